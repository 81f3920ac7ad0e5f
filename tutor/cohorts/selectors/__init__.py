"""Reads for cohorts, one module per sub-domain: access, statuses, the dashboard, the recall forecast and item
analysis. The completion rule itself is plain logic in `tutor.cohorts.completion`."""

from __future__ import annotations

from tutor.cohorts.completion import (  # noqa: F401
    STATUS_RANK,
    AssignmentStatus,
    ExamResult,
    LearnerStatus,
    Standing,
    answers_meet_target,
    first_moment_complete,
)
from tutor.cohorts.selectors.access import (  # noqa: F401
    CohortHandover,
    co_teachers,
    cohort_assignments,
    cohort_member,
    educator_invite,
    learner_membership,
    learner_memberships,
    member_ids,
    owned_cohort_handovers,
    taught_assignment,
    taught_cohort,
    taught_cohorts,
    taught_cohorts_with_counts,
)
from tutor.cohorts.selectors.cohort_rows import page_links, table_rows  # noqa: F401
from tutor.cohorts.selectors.cohort_table import (  # noqa: F401
    LEARNERS_PER_PAGE,
    CohortPage,
    OverdueGroup,
    cohort_page,
    sorted_learners,
)
from tutor.cohorts.selectors.dashboard import (  # noqa: F401
    CohortOverview,
    LearnerRow,
    cohort_overview,
    learner_drilldown_progress,
    sort_headers,
    sort_keys,
    sort_options,
)
from tutor.cohorts.selectors.forecast import (  # noqa: F401
    FORECAST_EXPLANATION,
    LearnerReadiness,
    ModuleForecast,
    learner_readiness,
    recall_forecast,
)
from tutor.cohorts.selectors.item_analysis import (  # noqa: F401
    DISCRIMINATION_FLAG,
    DISCRIMINATION_MIN_ATTEMPTS,
    AttemptKind,
    ItemAnalysis,
    ItemStats,
    MisconceptionRow,
    OptionShare,
    discrimination_by_question,
    item_analysis,
    pearson,
)
from tutor.cohorts.selectors.item_rows import (  # noqa: F401
    DrawnItems,
    ItemRow,
    OptionLine,
    UnattemptedRow,
    drawn_items,
    item_rows,
    misconception_rows_html,
    option_line,
    options_html,
    unattempted_rows,
)
from tutor.cohorts.selectors.statuses import (  # noqa: F401
    assignment_modules,
    assignment_questions,
    assignment_statuses,
    cohort_standings,
    counted_assignment_questions,
    finished_exams,
    learner_assignments,
)
