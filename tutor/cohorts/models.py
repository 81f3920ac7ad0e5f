"""Educators' cohorts: who teaches them, who is in them, what is assigned to them, and educator invites.

Dates that people choose (an assignment's open and due dates, a join code's last day) are stored as dates and read in
the site's time zone: an assignment opens at midnight at the start of its open date and is due at midnight at the end
of its due date. A date is what an educator means by "due Friday", whatever time zone a learner studies in.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: codes are read aloud and typed
JOIN_CODE_LENGTH = 8
DEFAULT_EXAM_MIN_QUESTIONS = 20
DEFAULT_TARGET_ACCURACY = 80


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def new_invite_token() -> str:
    return secrets.token_urlsafe(24)


# Days the arithmetic below is done within. Forms keep new dates within a few years; this keeps a stored date at the
# edge of the calendar (9999-12-31) from overflowing a datetime, in any zone, on any page that reads it.
FIRST_DAY = dt.date(1, 1, 3)
LAST_DAY = dt.date(9999, 12, 29)


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the site's time zone."""
    day = min(max(day, FIRST_DAY), LAST_DAY)
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def end_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the end of `day` in the site's time zone (the first moment after it)."""
    # Adding a day to an aware datetime is wall-clock arithmetic: midnight the next day, whatever the DST change.
    return start_of_day(day) + dt.timedelta(days=1)


class EducatorInvite(models.Model):
    """A link a staff member hands to someone who should become an educator.

    Redeeming it while logged in makes the account an educator. It may expire, and it works `uses_left` more times.
    """

    token = models.CharField(max_length=64, unique=True, default=new_invite_token, editable=False)
    note = models.CharField(max_length=200, blank=True, help_text="Who the invite is for, as a reminder.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: the invite does not expire.")
    uses_left = models.PositiveIntegerField(default=1, help_text="How many more people can redeem it (1: single use).")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.note or f"Invite {self.token[:8]}…"

    def get_absolute_url(self) -> str:
        return reverse("cohorts:educator_invite", kwargs={"token": self.token})

    def is_usable(self, now: dt.datetime) -> bool:
        return self.uses_left > 0 and (self.expires_at is None or now < self.expires_at)


class EducatorInviteUse(models.Model):
    """Who redeemed an invite and when, for the admin's records."""

    invite = models.ForeignKey(EducatorInvite, on_delete=models.CASCADE, related_name="uses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    used_at = models.DateTimeField()

    class Meta:
        ordering = ["-used_at"]
        constraints = [models.UniqueConstraint(fields=["invite", "user"], name="one_use_per_invite_and_user")]

    def __str__(self) -> str:
        return f"{self.user} redeemed {self.invite} at {self.used_at:%Y-%m-%d %H:%M}"


class Cohort(models.Model):
    """A group of learners taught together by an owner and any co-teachers."""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cohorts")
    co_teachers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="co_taught_cohorts")
    join_code = models.CharField(max_length=16, unique=True, default=new_join_code)
    join_code_expires_on = models.DateField(
        null=True, blank=True, help_text="The last day the join code works. Empty: it works until it is changed."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cohorts:cohort_dashboard", kwargs={"cohort_id": self.pk})

    def join_code_works(self, now: dt.datetime) -> bool:
        return self.join_code_expires_on is None or now < end_of_day(self.join_code_expires_on)

    @property
    def join_path(self) -> str:
        return f"{reverse('cohorts:cohort_join')}?code={self.join_code}"


class Membership(models.Model):
    """A learner in a cohort. Leaving or being removed deletes the row; joining again makes a new one."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_memberships")
    joined_at = models.DateTimeField()

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [models.UniqueConstraint(fields=["cohort", "learner"], name="one_membership_per_cohort")]

    def __str__(self) -> str:
        return f"{self.learner} in {self.cohort}"


class Assignment(models.Model):
    """Modules a cohort must work through by a due date, and the rule that says when a learner is done.

    Complete means: every live question of the modules answered at least once, accuracy on the latest answers at
    least `target_accuracy` percent in each module, and, when `exam_pass_mark` is set, a finished exam-mode practice
    test over the modules scoring at least that percentage, finished after the open date.
    """

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="assignments")
    title = models.CharField(max_length=160)
    module_slugs = models.JSONField(help_text="Slugs of the assigned modules.")
    opens_on = models.DateField()
    due_on = models.DateField()
    target_accuracy = models.PositiveSmallIntegerField(
        default=DEFAULT_TARGET_ACCURACY, help_text="Percent of latest answers right, in each module."
    )
    exam_pass_mark = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Percent an exam-mode practice test must score; empty: no exam needed."
    )
    exam_min_questions = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Questions an exam needs to count; empty: 20, or every question of the modules when fewer.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=F("opens_on")), name="assignment_due_after_open"),
            models.CheckConstraint(
                condition=Q(target_accuracy__gte=1, target_accuracy__lte=100), name="assignment_target_1_to_100"
            ),
            models.CheckConstraint(
                condition=Q(exam_pass_mark__isnull=True) | Q(exam_pass_mark__gte=1, exam_pass_mark__lte=100),
                name="assignment_pass_mark_1_to_100",
            ),
            models.CheckConstraint(
                condition=Q(exam_min_questions__isnull=True) | Q(exam_min_questions__gte=1),
                name="assignment_exam_min_at_least_1",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cohorts:assignment_detail", kwargs={"assignment_id": self.pk})

    @property
    def opens_at(self) -> dt.datetime:
        return start_of_day(self.opens_on)

    @property
    def due_at(self) -> dt.datetime:
        return end_of_day(self.due_on)

    @property
    def requires_exam(self) -> bool:
        return self.exam_pass_mark is not None

    def exam_questions_needed(self, question_total: int) -> int:
        """How many questions an exam must have to count: the educator's minimum, else 20 or all when fewer."""
        if self.exam_min_questions:
            return self.exam_min_questions
        return max(1, min(DEFAULT_EXAM_MIN_QUESTIONS, question_total))


class AssignmentCompletion(models.Model):
    """The moment a learner first met an assignment's completion rule.

    Completion is kept once reached: later wrong answers do not undo it (the dashboard still shows current accuracy).
    Rows are written by `record_completions` when statuses are computed, dated by replaying the learner's answers,
    and deleted when the assignment's rule changes so that they are worked out again under the new rule.
    """

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="completions")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["completed_at"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "learner"], name="one_completion_per_assignment_learner")
        ]

    def __str__(self) -> str:
        return f"{self.learner} completed {self.assignment} at {self.completed_at:%Y-%m-%d %H:%M}"


class EducatorAction(models.Model):
    """One change an educator made to a cohort or an assignment, kept so that a programme can see who changed what
    and when. Names are copied in, so the record stays readable after the cohort or the account is gone."""

    class Verb(models.TextChoices):
        COHORT_CREATED = "cohort_created", "Created the cohort"
        COHORT_EDITED = "cohort_edited", "Edited the cohort"
        COHORT_DELETED = "cohort_deleted", "Deleted the cohort"
        COHORT_HANDED_OVER = "cohort_handed_over", "Handed the cohort over"
        CODE_ROTATED = "code_rotated", "Renewed the join code"
        LEARNER_REMOVED = "learner_removed", "Removed a learner"
        ASSIGNMENT_CREATED = "assignment_created", "Created an assignment"
        ASSIGNMENT_EDITED = "assignment_edited", "Edited an assignment"
        ASSIGNMENT_DELETED = "assignment_deleted", "Deleted an assignment"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_name = models.CharField(max_length=150)
    cohort = models.ForeignKey(Cohort, on_delete=models.SET_NULL, null=True, related_name="actions")
    cohort_name = models.CharField(max_length=120)
    verb = models.CharField(max_length=24, choices=Verb.choices)
    subject = models.CharField(max_length=200, blank=True, help_text="The assignment or learner concerned, if any.")
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["cohort", "-at"], name="action_cohort_time")]

    def __str__(self) -> str:
        return f"{self.actor_name}: {self.get_verb_display()} ({self.cohort_name}) at {self.at:%Y-%m-%d %H:%M}"


class ItemAnswerTally(models.Model):
    """How often the cohort's members gave one answer as their first attempt at a question: the item analysis
    reads these counts (identical answers grouped, so each is marked once) instead of every member's log.

    Kept by `tutor.cohorts.item_tallies`: each first attempt of a member adds itself when it is recorded; a member
    who joins adds their first attempts, one who leaves takes theirs away.
    """

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="item_tallies")
    question = models.ForeignKey("catalog.Question", on_delete=models.CASCADE, related_name="+")
    answer = models.TextField(help_text="The answer as canonical JSON (keys sorted).")
    attempts = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    score_sum = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "question", "answer"], name="one_tally_per_cohort_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id}:{self.question_id} {self.answer} given {self.attempts} times"


class DiscriminationCount(models.Model):
    """When an assignment's discrimination indices were last counted, and whether they are behind.

    Each question's discrimination needs every member's total over the assignment, so it is counted away from the
    item analysis page (`tutor.cohorts.item_discrimination`), which only reads the result. A member's first attempt,
    a change of members, of the assignment's modules or of the question bank marks the count `behind` and arranges
    a new one; `fingerprint` is the question bank's at the time of the count.
    """

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, primary_key=True, related_name="discrimination_count"
    )
    counted_at = models.DateTimeField(null=True, blank=True)
    behind = models.BooleanField(default=False, help_text="Answers or members have changed since the last count.")

    def __str__(self) -> str:
        return f"discrimination of assignment {self.assignment_id} counted at {self.counted_at}"


class ItemDiscrimination(models.Model):
    """Moodle's discrimination index of one question of an assignment over the cohort's first attempts, as last
    counted (see `DiscriminationCount`). A question whose index is undefined (fewer than two learners, or scores
    that do not vary) has no row."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="item_discriminations")
    question = models.ForeignKey("catalog.Question", on_delete=models.CASCADE, related_name="+")
    value = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "question"], name="one_discrimination_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}:{self.question_id} discrimination {self.value:.2f}"


class IdeaHolderTally(models.Model):
    """How many of the cohort's members have chosen one wrong idea, and how many still hold it (no right answer to
    a question targeting it since): the item analysis reads these instead of counting every member's ideas.

    Kept by the database (`tutor.cohorts.idea_tallies`): a member's idea counts in when it is recorded, moves when it
    becomes active or inactive, and a member who joins or leaves brings or takes their ideas.
    """

    # The unique constraint's index, led by the cohort, serves the foreign key too.
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="idea_tallies", db_index=False)
    slug = models.SlugField(max_length=80, help_text="The catalog Misconception's slug.")
    holders = models.IntegerField(default=0)
    holding = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "slug"], name="one_idea_tally_per_cohort")]

    def __str__(self) -> str:
        return f"{self.cohort_id}: {self.slug} chosen by {self.holders}, held by {self.holding}"
