"""A learner's own data, for download: the review history as CSV rows and everything about them as JSON."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.catalog.snapshot import CatalogSnapshot, QuestionView
from tutor.study.models import Card, Flag, PracticeTest, ProblemReport, Rating, ReviewLog

REVIEW_COLUMNS = [
    "reviewed_at", "question_id", "module", "question_revision", "context", "answer", "correct", "partial", "score",
    "rating", "duration_ms", "state_before", "state_after", "stability_after", "difficulty_after",
    "scheduled_days", "predicted_recall_before",
]  # fmt: skip


def review_rows(*, learner, snapshot: CatalogSnapshot) -> Iterator[list]:
    """The header, then one row per answer, oldest first, read in chunks."""
    yield REVIEW_COLUMNS
    logs = ReviewLog.objects.filter(learner=learner).order_by("reviewed_at", "id")
    for log in logs.iterator(chunk_size=2000):
        question = snapshot.questions.get(log.question_id)
        yield [
            log.reviewed_at.isoformat(),
            question.qid if question else log.question_id,
            question.module_slug if question else "",
            log.question_revision,
            log.context,
            _answer_text(question, log.answer),
            str(log.correct),
            str(log.partial),
            round(log.score, 4),
            Rating(log.rating).label,
            log.duration_ms if log.duration_ms is not None else "",
            log.get_state_before_display(),
            log.get_state_after_display(),
            round(log.stability_after, 4),
            round(log.difficulty_after, 4),
            round(log.scheduled_days, 4),
            round(log.retrievability, 4) if log.retrievability is not None else "",
        ]


def _answer_text(question: QuestionView | None, answer: dict) -> str:
    """The answer in a few words, as its type writes it ("b", "a c", "a=b b=c", "54.2")."""
    return question.type_spec.answer_text(answer) if question is not None else ""


def learner_data(*, learner, snapshot: CatalogSnapshot) -> dict:
    """Everything the app holds about the learner (their account, settings, memory of each question, answers,
    flags, reports and practice tests)."""
    qid = {q.id: q.qid for q in snapshot.questions.values()}
    return {
        "account": {
            "username": learner.username,
            "email": learner.email,
            "role": learner.role,
            "date_joined": learner.date_joined,
            "last_login": learner.last_login,
            "time_zone": learner.time_zone,
        },
        "study_settings": {
            "desired_retention": learner.desired_retention,
            "new_per_day": learner.new_per_day,
            "modules_left_out": learner.modules_left_out,
            "modules_required": learner.modules_required,
        },
        "cards": [
            {
                "question": qid.get(c.question_id, c.question_id),
                "state": c.get_state_display(),
                "stability": c.stability,
                "difficulty": c.difficulty,
                "due": c.due,
                "last_review": c.last_review,
                "reps": c.reps,
                "lapses": c.lapses,
                "is_leech": c.is_leech,
                "created_at": c.created_at,
            }
            for c in Card.objects.filter(learner=learner).order_by("id")
        ],
        "reviews": [
            dict(zip(REVIEW_COLUMNS, row, strict=True))
            for row in list(review_rows(learner=learner, snapshot=snapshot))[1:]
        ],
        "flags": [
            {"question": qid.get(f.question_id, f.question_id), "created_at": f.created_at}
            for f in Flag.objects.filter(learner=learner)
        ],
        "problem_reports": [
            {"question": qid.get(r.question_id, r.question_id), "text": r.text, "created_at": r.created_at}
            for r in ProblemReport.objects.filter(learner=learner)
        ],
        "practice_tests": [
            {
                "title": t.title,
                "mode": t.mode,
                "pool": t.pool,
                "modules": t.module_slugs,
                "created_at": t.created_at,
                "finished_at": t.finished_at,
                "questions": [
                    {"question": qid.get(i.question_id, i.question_id), "answered": i.review_log_id is not None}
                    for i in t.items.all()
                ],
            }
            for t in PracticeTest.objects.filter(learner=learner).prefetch_related("items")
        ],
    }
