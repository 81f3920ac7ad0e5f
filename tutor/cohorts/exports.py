"""CSV exports of a cohort's results and item analysis: ISO dates (YYYY-MM-DD) in the site's time zone, shares as
plain percentages. The file itself (encoding, header, the formula guard) is `tutor.web.csv_export.csv_response`.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.text import slugify

from tutor.cohorts.models import Assignment
from tutor.cohorts.selectors import ItemAnalysis, LearnerRow
from tutor.web.csv_export import csv_response


def _percent(share: float | None) -> float | str:
    return "" if share is None else round(share * 100, 1)


def results_csv(assignment: Assignment, rows: list[LearnerRow]) -> HttpResponse:
    """One row per learner: status, coverage, accuracy, exam, completion date and last activity."""
    header = [
        "username",
        "name",
        "status",
        "questions_answered",
        "questions_total",
        "answered_percent",
        "latest_right_percent",
        "exam_best_percent",
        "completed_on",
        "completed_late",
        "due_on",
        "last_active_on",
        "joined_on",
    ]
    lines = []
    for row in sorted(rows, key=lambda r: r.learner.get_username().lower()):
        status = row.statuses[0]
        lines.append(
            [
                row.learner.get_username(),
                row.learner.get_full_name(),
                status.label,
                status.answered,
                status.question_total,
                _percent(status.answered_share),
                _percent(status.accuracy),
                _percent(status.exam_best),
                status.completed_at,
                status.is_late if status.completed_at else None,
                assignment.due_on,
                row.last_active,
                row.membership.joined_at,
            ]
        )
    name = slugify(f"{assignment.cohort.name} {assignment.title}")[:60] or "assignment"
    return csv_response(f"{name}-results.csv", header, lines)


def item_analysis_csv(analysis: ItemAnalysis) -> HttpResponse:
    """One row per question of the assignment."""
    header = [
        "question_id",
        "module",
        "type",
        "question",
        "attempts",
        "right",
        "facility_percent",
        "mean_score",
        "discrimination",
        "flagged",
        "option_shares",
        "most_chosen_wrong",
        "misconceptions",
    ]
    lines = []
    for item in analysis.items:
        question = item.question
        lines.append(
            [
                question.qid,
                question.module_title,
                question.type_label,
                item.stem_text,
                item.attempts,
                item.right,
                _percent(item.facility),
                None if item.mean_score is None else round(item.mean_score, 3),
                None if item.discrimination is None else round(item.discrimination, 3),
                item.flagged,
                " | ".join(f"{o.label}: {_percent(o.share)}%" for o in item.options if item.attempts),
                " | ".join(o.label for o in item.top_wrong),
                " | ".join(item.misconception_labels),
            ]
        )
    assignment = analysis.assignment
    name = slugify(f"{assignment.cohort.name} {assignment.title}")[:60] or "assignment"
    return csv_response(f"{name}-items-{analysis.kind}-attempts.csv", header, lines)
