"""Rollups of the review ledger that the progress pages read instead of the ledger itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class StudyDay(models.Model):
    """One learner's answers on one calendar day of their own time zone, kept current as each answer is recorded
    (`tutor.progress.rollups`), so that the dashboard costs the same at 10 answers as at 20,000.

    The true-retention counts cover only what Anki's true retention counts: a card's first review of the day while
    it was in review; young cards had an interval under 21 days, mature ones 21 days or more.

    `streak` is set when the day's row is first written, from the day before's row, so that the current and the
    longest streak are read from a row or two and one aggregate rather than from every day studied.
    """

    # No index of its own: the unique constraint starts with the learner.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_days", db_index=False
    )
    day = models.DateField()
    reviews = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0, help_text="Answers that were right.")
    milliseconds = models.PositiveBigIntegerField(default=0, help_text="Time spent answering.")
    timed = models.PositiveIntegerField(default=0, help_text="Answers whose time was measured (by the page's script).")
    young_total = models.PositiveIntegerField(default=0)
    young_passed = models.PositiveIntegerField(default=0)
    mature_total = models.PositiveIntegerField(default=0)
    mature_passed = models.PositiveIntegerField(default=0)
    streak = models.PositiveIntegerField(
        default=1, help_text="Days studied in a row ending on this one (1 when the day before was not studied)."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "day"], name="one_study_day_per_learner_day"),
            models.CheckConstraint(
                condition=Q(correct__lte=models.F("reviews"))
                & Q(timed__lte=models.F("reviews"))
                & Q(young_passed__lte=models.F("young_total"))
                & Q(mature_passed__lte=models.F("mature_total")),
                name="study_day_counts_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} on {self.day}: {self.reviews} answers"


class ModuleAnswerTally(models.Model):
    """How many of a module's questions one learner has answered (has a card for), and how many of those their latest
    answer got right: what an assignment's status needs, read for a whole cohort without reading its cards.

    Kept by database triggers on the cards (`tutor.progress.answer_tallies`), so every writer keeps it (an answer, a
    bulk load, a deletion); a question moving to another module is recounted by the content load. It counts every
    card, retired questions and items under review included: readers take those out (`module_answer_counts`).
    """

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    module = models.ForeignKey("catalog.Module", on_delete=models.CASCADE, related_name="+")
    # Plain integers, without a check, so that no answer could ever be refused over a count.
    answered = models.IntegerField(default=0)
    right_latest = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "module"], name="one_answer_tally_per_learner_module"),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}:{self.module_id} {self.right_latest}/{self.answered}"
