"""The cohorts app's views by audience: learners.py, cohort_pages.py (educators), assignments.py (educators)."""

from __future__ import annotations

from tutor.cohorts.views.assignments import (  # noqa: F401
    assign_misconception_practice,
    assignment_create,
    assignment_delete,
    assignment_detail,
    assignment_edit,
    assignment_results_csv,
    item_analysis,
    item_analysis_csv,
)
from tutor.cohorts.views.cohort_pages import (  # noqa: F401
    cohort_create,
    cohort_dashboard,
    cohort_delete,
    cohort_edit,
    cohort_learner,
    cohort_remove_learner,
    cohort_rotate_code,
)
from tutor.cohorts.views.learners import (  # noqa: F401
    cohort_join,
    cohort_leave,
    cohort_list,
    educator_invite,
    progress_page,
)
