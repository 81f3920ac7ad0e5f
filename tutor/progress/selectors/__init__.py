"""Per-learner statistics, one module per kind: where a learner stands in each module, from their cards
(`modules`), and their study history, from the study-day rollup (`history`).

Functions take several learners at once where a cohort page needs them, so that it and a learner's own dashboard
share the same numbers and a fixed number of queries, however many learners or reviews there are.
"""

from __future__ import annotations

from tutor.progress.selectors.history import (  # noqa: F401
    PERIOD_DAYS,
    RECENT_DAYS,
    RETENTION_PERIODS,
    DayActivity,
    RetentionCell,
    RetentionRow,
    Streaks,
    StudyDayCounts,
    StudySummary,
    StudyTotals,
    daily_activity,
    recent_study_days,
    streaks,
    streaks_of_summary,
    study_days,
    study_summary,
    study_time,
    study_totals,
    true_retention,
)
from tutor.progress.selectors.modules import (  # noqa: F401
    MASTERY_DEFINITION,
    MASTERY_RECALL,
    MASTERY_STABILITY_DAYS,
    RECALL_BUCKETS,
    AnswerCounts,
    CardMemory,
    ModuleProgress,
    answer_counts,
    card_memories,
    days_since_epoch,
    due_forecast,
    forecast_of_cards,
    module_answer_counts,
    module_progress,
    predicted_recall_sql,
    progress_of_cards,
    recall_bucket,
    recall_buckets,
    recall_distribution,
    recall_now,
    updated_since_answered,
)
