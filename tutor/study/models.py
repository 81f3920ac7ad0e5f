"""A learner's memory of each question (Card), every answer they gave (ReviewLog), and practice tests."""

from __future__ import annotations

import datetime as dt

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from tutor.catalog.models import Question


class MemoryState(models.IntegerChoices):
    """The scheduler's states, plus NEW for a card before its first answer (stored on logs only)."""

    NEW = 0, "New"
    LEARNING = 1, "Learning"
    REVIEW = 2, "Review"
    RELEARNING = 3, "Relearning"


class Rating(models.IntegerChoices):
    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class Card(models.Model):
    """What the scheduler knows about one learner and one question; created at the first answer."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cards")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="cards")
    state = models.PositiveSmallIntegerField(choices=MemoryState.choices, default=MemoryState.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0, help_text="Wrong answers so far.")
    is_leech = models.BooleanField(default=False)
    last_answer_correct = models.BooleanField(null=True, blank=True, help_text="Whether the latest answer was right.")
    last_review_days = models.FloatField(
        null=True, blank=True, help_text="The last review as days since 1970, for recall arithmetic in SQL."
    )
    last_log = models.ForeignKey(
        "ReviewLog",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The answer whose effect the card carries now: the latest one applied, whatever the clocks said.",
    )
    created_at = models.DateTimeField()
    # Set when the question's facts changed after the learner had seen it (an evidence change in the content):
    # the note is shown at its next appearance and on the progress page until it is answered again.
    update_note = models.CharField(max_length=200, blank=True, default="")
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "question"], name="one_card_per_learner_question"),
            models.CheckConstraint(condition=Q(state__gte=1, state__lte=3), name="card_state_is_a_memory_state"),
        ]
        indexes = [
            models.Index(fields=["learner", "due"], name="card_learner_due"),
            models.Index(fields=["learner", "created_at"], name="card_learner_created"),
            # Assignment statuses of a whole cohort read only these columns: an index-only scan, not the table.
            models.Index(fields=["learner", "question", "last_answer_correct"], name="card_learner_answers"),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}:{self.question_id}"

    @property
    def has_open_update(self) -> bool:
        """The question changed since the learner last answered it."""
        return has_open_update(updated_at=self.updated_at, last_review=self.last_review)


def has_open_update(*, updated_at: dt.datetime | None, last_review: dt.datetime | None) -> bool:
    """An evidence update stays open until the learner answers the question again."""
    return updated_at is not None and (last_review is None or last_review < updated_at)


class ReviewContext(models.TextChoices):
    STUDY = "study", "Daily study"
    PRACTICE = "practice", "Practice test"


class ReviewLogQuerySet(models.QuerySet):
    def with_rating_in_force(self) -> ReviewLogQuerySet:
        """Annotate each answer with the rating and due date in force: the latest rating change's, if any."""
        latest = RatingChange.objects.filter(log=models.OuterRef("pk")).order_by("-id")
        return self.annotate(
            changed_rating=models.Subquery(latest.values("rating")[:1]),
            changed_due=models.Subquery(latest.values("due_after")[:1]),
        )


# Only account deletion removes a learner's history; it names these triggers in `pgtrigger.ignore`.
LEDGER_DELETE_TRIGGERS = ("study.ReviewLog:review_log_no_delete", "study.RatingChange:rating_change_no_delete")


class ReviewLog(models.Model):
    """One answer, appended and never changed: the plan recorded here is the plan made at the time.

    A later rating choice on the feedback screen (Good to Hard or Easy, say) is a `RatingChange` row of its own,
    re-planned from the card as it was before this answer (`card_before`). On PostgreSQL the database refuses any
    UPDATE of a log row, and any DELETE except during account deletion.
    """

    # No index of its own: every index below starts with the learner.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs", db_index=False
    )
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="logs")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="review_logs")
    question_revision = models.PositiveIntegerField()
    attempt = models.CharField(max_length=64, unique=True, help_text="The one-time token of the rendered question.")
    context = models.CharField(max_length=10, choices=ReviewContext.choices, default=ReviewContext.STUDY)
    answer = models.JSONField()
    correct = models.BooleanField()
    partial = models.BooleanField(default=False, help_text="Some parts right, some wrong: scheduled as wrong.")
    score = models.FloatField(help_text="Share of the item's parts answered right, 0 to 1.")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    rating_changed = models.BooleanField(default=False)
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    state_before = models.PositiveSmallIntegerField(choices=MemoryState.choices)
    state_after = models.PositiveSmallIntegerField(choices=MemoryState.choices)
    stability_after = models.FloatField()
    difficulty_after = models.FloatField()
    due_after = models.DateTimeField()
    scheduled_days = models.FloatField(help_text="Days from this review to the next due date.")
    retrievability = models.FloatField(
        null=True, blank=True, help_text="Predicted chance of recall just before this review (none for a new card)."
    )
    card_before = models.JSONField(help_text="The card's memory before this review, to re-plan on a rating change.")
    elapsed_days = models.FloatField(null=True, blank=True, help_text="Days since the card's previous review.")
    interval_days_before = models.FloatField(
        null=True, blank=True, help_text="The interval the card was scheduled with before this review, in days."
    )
    first_review_of_day = models.BooleanField(
        default=True, help_text="The first answer to this card on the learner's calendar day (for true retention)."
    )

    objects = ReviewLogQuerySet.as_manager()

    class Meta:
        # No default ordering: the largest table is sorted only where a reader asks for an order.
        indexes = [
            models.Index(fields=["learner", "-reviewed_at"], name="log_learner_time"),
            models.Index(fields=["learner", "state_before", "first_review_of_day"], name="log_learner_retention"),
            models.Index(fields=["learner", "question", "-reviewed_at"], name="log_learner_question"),
            # Item analysis counts first attempts (answers to a new card): a small share of a long ledger. The score
            # rides in the index, so the discrimination index reads it without visiting the log's rows (PostgreSQL),
            # and so does the answer, so that how others first answered a question (`peer_shares`) is counted from
            # the index alone rather than from a thousand rows of the log scattered over as many pages.
            models.Index(
                fields=["question", "learner"],
                include=["score", "answer"],
                condition=Q(state_before=MemoryState.NEW),
                name="log_first_attempts",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=1), name="score_between_0_and_1"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=4), name="log_rating_1_to_4"),
            models.CheckConstraint(
                condition=Q(state_before__gte=0, state_before__lte=3, state_after__gte=1, state_after__lte=3),
                name="log_states_are_memory_states",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="review_log_append_only", operation=pgtrigger.Update),
            pgtrigger.Protect(name="review_log_no_delete", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}:{self.question_id} at {self.reviewed_at:%Y-%m-%d %H:%M}"

    @property
    def rating_in_force(self) -> int:
        """The learner's latest rating of this answer (needs `with_rating_in_force()`; else the original)."""
        return getattr(self, "changed_rating", None) or self.rating

    @property
    def due_in_force(self):
        """When the question comes back after this answer, as the latest rating left it."""
        return getattr(self, "changed_due", None) or self.due_after


class RatingChange(models.Model):
    """The learner re-rated a right answer on the feedback screen: a new plan for the card, appended beside the
    answer's own log row, which keeps the plan made at the time. The latest change of an answer is in force."""

    log = models.ForeignKey(ReviewLog, on_delete=models.CASCADE, related_name="rating_changes")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    changed_at = models.DateTimeField()
    state_after = models.PositiveSmallIntegerField(choices=MemoryState.choices)
    stability_after = models.FloatField()
    difficulty_after = models.FloatField()
    due_after = models.DateTimeField()
    scheduled_days = models.FloatField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=4), name="rating_change_1_to_4"),
        ]
        triggers = [
            pgtrigger.Protect(name="rating_change_append_only", operation=pgtrigger.Update),
            pgtrigger.Protect(name="rating_change_no_delete", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.log_id} re-rated {self.get_rating_display()}"


class Flag(models.Model):
    """A learner's own bookmark on a question; flagged questions form a practice pool."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="flags")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "question"], name="one_flag_per_question")]

    def __str__(self) -> str:
        return f"{self.learner_id} flagged {self.question_id}"


class ProblemReport(models.Model):
    """A learner's report of a problem with a question, for content admins."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="problem_reports")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="problem_reports")
    question_revision = models.PositiveIntegerField()
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["resolved", "-created_at"]

    def __str__(self) -> str:
        return f"Report on {self.question_id}"


class PracticeMode(models.TextChoices):
    TUTOR = "tutor", "Tutor: feedback after each question"
    EXAM = "exam", "Exam: feedback at the end"


class PracticePool(models.TextChoices):
    UNSEEN = "unseen", "Questions I have not seen"
    MISSED = "missed", "Questions I got wrong"
    FLAGGED = "flagged", "Questions I flagged"
    ALL = "all", "All questions"


class PracticeTest(models.Model):
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_tests")
    mode = models.CharField(max_length=8, choices=PracticeMode.choices)
    pool = models.CharField(max_length=8, choices=PracticePool.choices)
    module_slugs = models.JSONField(default=list, blank=True)
    title = models.CharField(max_length=200)
    time_limit_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mode=PracticeMode.EXAM) | Q(deadline__isnull=True, time_limit_minutes__isnull=True),
                name="practice_deadline_only_in_exam_mode",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("study:practice_test", kwargs={"test_id": self.pk})

    @property
    def is_exam(self) -> bool:
        return self.mode == PracticeMode.EXAM

    def ended_at(self, now) -> dt.datetime | None:
        """When the test ended: finished by the learner or by its last answer, or its time ran out (reads write
        nothing, so a test whose time ran out is over without anyone recording it)."""
        if self.finished_at is not None:
            return self.finished_at
        if self.deadline is not None and now >= self.deadline:
            return self.deadline
        return None


class PracticeItem(models.Model):
    test = models.ForeignKey(PracticeTest, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    review_log = models.OneToOneField(ReviewLog, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["test", "position"]
        constraints = [
            models.UniqueConstraint(fields=["test", "position"], name="unique_item_position"),
            models.UniqueConstraint(fields=["test", "question"], name="unique_item_question"),
        ]

    def __str__(self) -> str:
        return f"{self.test_id}#{self.position}"


class LearnerMisconception(models.Model):
    """A wrong idea one learner has chosen: the misconception of a distractor they picked, kept current as each
    answer is recorded (never on a page view).

    `right_since` counts the learner's right answers, since they last chose it, to questions that target it; the
    idea is active while that is zero.
    """

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="misconceptions")
    slug = models.SlugField(max_length=80, help_text="The catalog Misconception's slug.")
    times_chosen = models.PositiveIntegerField(default=0)
    first_chosen_at = models.DateTimeField()
    last_chosen_at = models.DateTimeField()
    right_since = models.PositiveIntegerField(default=0)
    last_right_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_chosen_at"]
        constraints = [models.UniqueConstraint(fields=["learner", "slug"], name="one_row_per_learner_misconception")]
        indexes = [
            # Who in a cohort holds an idea (item analysis): read from the index alone, in the order they are named.
            models.Index(fields=["slug", "right_since", "-times_chosen", "learner"], name="idea_holders_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}: {self.slug} chosen {self.times_chosen} times"

    @property
    def is_active(self) -> bool:
        return self.right_since == 0


class SchedulerParameters(models.Model):
    """One fit of FSRS's parameters to review history: a learner's own (learner set) or the site's (learner null).

    Every fit is kept, adopted or not, with the reviews it used and how it and the set in force scored on the
    held-out later reviews, so that a learner's scheduling can be explained afterwards. The latest adopted set of a
    learner is in force for them; without one, the latest adopted site-wide set; without that, the library's
    defaults. Adopting a set reschedules nothing: it is used from the next answer on.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="scheduler_fits"
    )
    parameters = models.JSONField(help_text="The 21 FSRS-6 parameters.")
    fitted_at = models.DateTimeField()
    review_count = models.PositiveIntegerField(help_text="Reviews in the history the fit used.")
    held_out_reviews = models.PositiveIntegerField(default=0, help_text="Later reviews the sets were compared on.")
    log_loss = models.FloatField(null=True, blank=True, help_text="This set's log loss on the held-out reviews.")
    rmse_bins = models.FloatField(null=True, blank=True, help_text="This set's RMSE(bins) on the held-out reviews.")
    previous_log_loss = models.FloatField(
        null=True, blank=True, help_text="The log loss of the set in force at the time, on the same reviews."
    )
    previous_rmse_bins = models.FloatField(null=True, blank=True)
    default_log_loss = models.FloatField(
        null=True, blank=True, help_text="The library defaults' log loss on the same held-out reviews."
    )
    default_rmse_bins = models.FloatField(null=True, blank=True)
    adopted = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True, help_text="Why it was adopted or not, in plain words.")

    class Meta:
        ordering = ["-fitted_at", "-id"]
        indexes = [models.Index(fields=["learner", "adopted", "-fitted_at"], name="fit_learner_adopted")]

    def __str__(self) -> str:
        whose = self.learner_id or "site"
        return f"FSRS fit for {whose} at {self.fitted_at:%Y-%m-%d} ({'adopted' if self.adopted else 'kept aside'})"


class StudyDeadline(models.Model):
    """A date by which the learner must recall a module's questions (an assignment's due date).

    Set through `tutor.study.deadlines.set_study_deadlines` by whoever assigns modules; the scheduler reads it as
    a date, never as an assignment.
    """

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_deadlines")
    module_slug = models.SlugField()
    due_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "module_slug"], name="one_deadline_per_module"),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}:{self.module_slug} by {self.due_at:%Y-%m-%d}"
