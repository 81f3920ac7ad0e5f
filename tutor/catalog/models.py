"""The learning material: modules, their sections, questions, options and the sources they cite.

The files under content/ are the source of truth; these tables are what `load_content` made of them. Rows are
retired, never deleted, so that learners' history always points at something.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from tutor.catalog.source_labels import source_anchor, source_label
from tutor.questions.registry import type_choices


class Bloom(models.TextChoices):
    RECALL = "recall", "Recall"
    UNDERSTAND = "understand", "Understand"
    APPLY = "apply", "Apply"


class SourceKind(models.TextChoices):
    REVIEW = "review", "Review reference"
    SECTION = "section", "The review's own text"
    UPDATE = "update", "Since the review"


class Certainty(models.TextChoices):
    PRIMARY = "primary", "Primary source"
    SECONDARY = "secondary", "Secondary report"
    REPORTED = "reported", "Reported, lower certainty"


class Source(models.Model):
    """A reference of the review (by its number), a section of the review's own text (by its review: key, for what
    the review says without a reference) or an entry of the updates (by its upd- key).

    A review section keeps its heading as printed in `title` and what it covers in `note`.
    """

    key = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=8, choices=SourceKind.choices)
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=200)
    note = models.TextField(blank=True)
    citation = models.CharField(max_length=300, blank=True)
    review_section = models.CharField(max_length=200, blank=True)
    certainty = models.CharField(max_length=10, choices=Certainty.choices, blank=True)

    class Meta:
        ordering = ["kind", "number", "key"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="review") | Q(number__isnull=False), name="review_source_has_number"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("catalog:source_detail", kwargs={"key": self.key})

    @property
    def label(self) -> str:
        return source_label(kind=self.kind, number=self.number, title=self.title)

    @property
    def anchor(self) -> str:
        return source_anchor(self.key)

    @property
    def is_secondary(self) -> bool:
        return self.certainty in {Certainty.SECONDARY, Certainty.REPORTED}


class Module(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    summary = models.TextField()
    objectives = models.JSONField(default=list)
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:module_detail", kwargs={"slug": self.slug})


class Section(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="sections")
    anchor = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    body_markdown = models.TextField()
    body_html = models.TextField()
    # The edition of the renderer that wrote body_html (rendering.RENDERER_VERSION): an older one is rendered again.
    rendered_with = models.PositiveSmallIntegerField(default=0)
    sources = models.ManyToManyField(Source, blank=True, related_name="sections")
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["module", "order"]
        constraints = [models.UniqueConstraint(fields=["module", "anchor"], name="unique_section_anchor")]

    def __str__(self) -> str:
        return f"{self.module.title} · {self.title}"

    def get_absolute_url(self) -> str:
        return f"{self.module.get_absolute_url()}#{self.anchor}"

    @property
    def is_since_the_review(self) -> bool:
        return self.anchor == "since-the-review"


class Question(models.Model):
    """One item of a module's bank. `qid` is the stable id written in the content files."""

    qid = models.CharField("id", max_length=64, unique=True)
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="questions")
    # The types are those of the registry (tutor/questions); a callable, so that a new type needs no migration.
    type = models.CharField(max_length=12, choices=type_choices)
    stem = models.TextField()
    # The bottom line: the item's educational objective in one sentence, shown with the feedback.
    objective = models.TextField(blank=True, default="")
    explanation = models.TextField()
    difficulty = models.PositiveSmallIntegerField()
    bloom = models.CharField(max_length=12, choices=Bloom.choices)
    vignette = models.BooleanField(default=False)
    tags = models.JSONField(default=list, blank=True)
    # The id of the item this one deliberately re-tests with another skill (a declared sibling, not a duplicate).
    variant_of = models.CharField(max_length=64, blank=True, default="")
    sources = models.ManyToManyField(Source, related_name="questions")
    # Numeric items only.
    numeric_answer = models.FloatField(null=True, blank=True)
    numeric_tolerance = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=32, blank=True)
    # Matching items only: extra answers that match no prompt.
    distractors = models.JSONField(default=list, blank=True)
    # Feedback for a numeric answer, and the true/false misconception, live on the options.
    order = models.PositiveIntegerField(default=0)
    revision = models.PositiveIntegerField(default=1)
    # The latest change of the item's facts (`changed: evidence` in the file): what learners who saw an earlier
    # revision are told, and the revision that brought it. A wording fix leaves both as they were.
    evidence_note = models.CharField(max_length=200, blank=True, default="")
    evidence_revision = models.PositiveIntegerField(null=True, blank=True)
    content_hash = models.CharField(max_length=64)
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["module__order", "order"]
        constraints = [
            models.CheckConstraint(condition=Q(difficulty__gte=1, difficulty__lte=3), name="difficulty_1_to_3"),
            models.CheckConstraint(
                condition=~Q(type="numeric") | Q(numeric_answer__isnull=False), name="numeric_has_answer"
            ),
        ]

    def __str__(self) -> str:
        return self.qid


class Option(models.Model):
    """A choice of a question. What it means depends on the question's type:

    single / multiple / true_false: a choice, `is_correct` marks the right ones;
    matching: a pair, `text` is the prompt and `match_text` its answer;
    ordering: an item, `position` is its place in the right order (0-based);
    numeric: a common wrong value (`numeric_value`) with the error behind it.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(max_length=32)
    text = models.TextField(blank=True)
    is_correct = models.BooleanField(default=False)
    rationale = models.TextField()
    misconception = models.CharField(max_length=80, blank=True)
    match_text = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    numeric_value = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["question", "position"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="unique_option_key")]

    def __str__(self) -> str:
        return f"{self.question.qid}/{self.key}"


class Misconception(models.Model):
    """A wrong idea an option stands for, named by its slug (stored on Option.misconception), with the words an
    educator reads and the section that corrects it."""

    slug = models.SlugField(max_length=80, unique=True)
    label = models.CharField(max_length=300)
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="misconceptions")
    corrects = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="misconceptions")
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.label


class ContentLoad(models.Model):
    """One successful `load_content` run; the newest fingerprint keys the in-memory catalog."""

    loaded_at = models.DateTimeField(auto_now_add=True)
    fingerprint = models.CharField(max_length=64)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-loaded_at", "-id"]
        get_latest_by = "id"

    def __str__(self) -> str:
        return f"{self.fingerprint[:12]} at {self.loaded_at:%Y-%m-%d %H:%M}"


class ItemReviewReason(models.TextChoices):
    DISCRIMINATION = "discrimination", "Weak discrimination"
    MASS_LAPSE = "mass_lapse", "Mass lapse"
    REPORTS = "reports", "Problem reports"


class ItemReviewQuerySet(models.QuerySet):
    def open(self) -> ItemReviewQuerySet:
        return self.filter(cleared_at__isnull=True)


class ItemReview(models.Model):
    """An item sent to the editors' queue as possibly flawed. While it is open, the item counts against no learner
    (mastery, accuracy, completion, exam scores) and is not scheduled as new; an editor clearing it brings it back.

    Raised by `flag_flawed_items` (run by editors or on a schedule), never by a page view. `statistics` keeps the
    figures that raised it, as they were then.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="item_reviews")
    reasons = models.JSONField(default=list, help_text="Why it was flagged (ItemReviewReason values).")
    statistics = models.JSONField(default=dict, blank=True)
    raised_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    editor_note = models.TextField(blank=True)
    # Any change (raised, cleared) moves this on, so every process notices and reloads its in-memory catalog.
    changed_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ItemReviewQuerySet.as_manager()

    class Meta:
        ordering = ["cleared_at", "-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["question"], condition=Q(cleared_at__isnull=True), name="one_open_review_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.question}"

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None

    @property
    def reason_text(self) -> str:
        """The reasons in words, e.g. "Weak discrimination; Problem reports"."""
        return review_reason_text(self.reasons)


def review_reason_text(reasons: list[str]) -> str:
    labels = dict(ItemReviewReason.choices)
    return "; ".join(labels.get(reason, reason) for reason in reasons)
