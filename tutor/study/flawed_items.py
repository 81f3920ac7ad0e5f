"""Finding items that may be flawed and sending them to the editors' queue (`ItemReview`).

Three signs, each over the answers and reports since the item was last cleared by an editor:
  - weak discrimination: over learners' first attempts, the correlation between the item and the rest of the bank
    is at most 0.2, with at least 10 attempts (the cohorts' item analysis uses the same rule);
  - a mass lapse: of the learners whose latest answer to it was a review of a mature card (an interval of 21 days
    or more) in the last 14 days, at least 5 and most failed it;
  - problem reports: at least 3 unresolved reports from learners.
Run by `manage.py flag_flawed_items` (by editors, or on a schedule), never on a page view.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from tutor.catalog.models import ItemReview, ItemReviewReason, Question
from tutor.catalog.services import send_item_to_review
from tutor.catalog.snapshot import CatalogSnapshot
from tutor.study.item_statistics import DISCRIMINATION_FLAG, DISCRIMINATION_MIN_ATTEMPTS, discrimination_by_question
from tutor.study.models import MemoryState, ProblemReport, ReviewLog

MATURE_DAYS = 21
MASS_LAPSE_WINDOW_DAYS = 14
MASS_LAPSE_MIN_LEARNERS = 5
MASS_LAPSE_SHARE = 0.5
REPORT_THRESHOLD = 3


@dataclass
class ItemFindings:
    question_id: int
    reasons: list[str] = field(default_factory=list)
    statistics: dict = field(default_factory=dict)


def is_weakly_discriminating(*, attempts: int, discrimination: float | None) -> bool:
    return (
        discrimination is not None and attempts >= DISCRIMINATION_MIN_ATTEMPTS and discrimination <= DISCRIMINATION_FLAG
    )


def is_mass_lapse(*, mature_learners: int, failed: int) -> bool:
    """Most of the learners who had the item mature failed it at once."""
    return mature_learners >= MASS_LAPSE_MIN_LEARNERS and failed > MASS_LAPSE_SHARE * mature_learners


def find_flawed_items(*, snapshot: CatalogSnapshot, now: dt.datetime) -> list[ItemFindings]:
    """Live items showing a sign of a flaw, with the figures behind it. Four queries; rows bounded by learners
    times items."""
    live = {q.id for q in snapshot.live_questions}
    cleared = dict(
        ItemReview.objects.filter(cleared_at__isnull=False, question_id__in=live)
        .order_by("question_id", "cleared_at")
        .values_list("question_id", "cleared_at")
    )  # the latest clearing of each item wins

    def since_cleared(question_id: int, moment: dt.datetime) -> bool:
        return question_id not in cleared or moment > cleared[question_id]

    findings: dict[int, ItemFindings] = {}

    def finding(question_id: int) -> ItemFindings:
        return findings.setdefault(question_id, ItemFindings(question_id))

    # 1. Discrimination over first attempts.
    rows = [
        (learner_id, question_id, score)
        for learner_id, question_id, score, at in ReviewLog.objects.filter(
            question_id__in=live, state_before=MemoryState.NEW
        )
        .order_by()
        .values_list("learner_id", "question_id", "score", "reviewed_at")
        if since_cleared(question_id, at)
    ]
    attempts = Counter(question_id for _, question_id, _ in rows)
    discrimination = discrimination_by_question(rows, sorted(attempts))
    for question_id, value in discrimination.items():
        if is_weakly_discriminating(attempts=attempts[question_id], discrimination=value):
            item = finding(question_id)
            item.reasons.append(ItemReviewReason.DISCRIMINATION)
            item.statistics |= {"attempts": attempts[question_id], "discrimination": round(value, 3)}

    # 2. Mass lapse: each learner's latest answer, when it was a review of a mature card in the window.
    newer = ReviewLog.objects.filter(learner_id=OuterRef("learner_id"), question_id=OuterRef("question_id")).filter(
        Q(reviewed_at__gt=OuterRef("reviewed_at")) | Q(reviewed_at=OuterRef("reviewed_at"), id__gt=OuterRef("id"))
    )
    mature = (
        ReviewLog.objects.filter(
            question_id__in=live,
            state_before=MemoryState.REVIEW,
            interval_days_before__gte=MATURE_DAYS,
            reviewed_at__gte=now - dt.timedelta(days=MASS_LAPSE_WINDOW_DAYS),
        )
        .filter(~Exists(newer))
        .values_list("question_id", "correct", "reviewed_at")
    )
    tally: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for question_id, correct, at in mature:
        if since_cleared(question_id, at):
            tally[question_id][0] += 1
            tally[question_id][1] += not correct
    for question_id, (learners, failed) in tally.items():
        if is_mass_lapse(mature_learners=learners, failed=failed):
            item = finding(question_id)
            item.reasons.append(ItemReviewReason.MASS_LAPSE)
            item.statistics |= {"mature_learners": learners, "mature_failed": failed}

    # 3. Learners' problem reports.
    reports = Counter(
        question_id
        for question_id, at in ProblemReport.objects.filter(question_id__in=live, resolved=False).values_list(
            "question_id", "created_at"
        )
        if since_cleared(question_id, at)
    )
    for question_id, count in reports.items():
        if count >= REPORT_THRESHOLD:
            item = finding(question_id)
            item.reasons.append(ItemReviewReason.REPORTS)
            item.statistics |= {"open_reports": count}
    return sorted(findings.values(), key=lambda f: f.question_id)


def flag_flawed_items(*, snapshot: CatalogSnapshot, now: dt.datetime) -> list[tuple[ItemFindings, bool]]:
    """Send every item showing a sign of a flaw to the editors' queue; returns each finding and whether its review
    is new (an open review gains any new reasons)."""
    results = []
    findings = find_flawed_items(snapshot=snapshot, now=now)
    questions = Question.objects.in_bulk([f.question_id for f in findings])
    for item in findings:
        _, created = send_item_to_review(
            question=questions[item.question_id], reasons=item.reasons, statistics=item.statistics, now=now
        )
        results.append((item, created))
    return results
