"""The study app's views: daily.py (daily study), questions.py (a question's page), practice.py (missed questions
and practice tests), flagged.py (the flagged questions page); answering.py holds what they share."""

from __future__ import annotations

from tutor.study.views.daily import (  # noqa: F401
    change_rating,
    raise_new_per_day,
    study,
    study_answer,
    study_feedback,
    study_settings,
)
from tutor.study.views.flagged import flagged, practise_flagged  # noqa: F401
from tutor.study.views.practice import (  # noqa: F401
    missed,
    practice,
    practice_answer,
    practice_finish,
    practice_item,
    practice_review,
    practice_test,
    practise_missed,
)
from tutor.study.views.questions import (  # noqa: F401
    flag_question,
    question_detail,
    question_url,
    report_problem,
)
