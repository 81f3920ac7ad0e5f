"""The cohorts app announces a newly recorded completion with `assignment_completed`."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import EducatorFactory, UserFactory
from tutor.catalog.snapshot import catalog
from tutor.cohorts.completion_records import record_completions
from tutor.cohorts.models import Assignment, AssignmentCompletion, Cohort
from tutor.cohorts.selectors import AssignmentStatus, LearnerStatus
from tutor.cohorts.signals import assignment_completed

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def test_recording_a_completion_sends_the_signal_once_per_new_row():
    cohort = Cohort.objects.create(name="Spring", owner=EducatorFactory())
    assignment = Assignment.objects.create(
        cohort=cohort,
        title="Risks",
        module_slugs=[],
        opens_on=dt.date(2026, 1, 1),
        due_on=dt.date(2026, 12, 1),
        created_at=NOW - dt.timedelta(days=30),
    )
    learner = UserFactory()
    heard = []

    def listen(sender, **kwargs):
        heard.append(kwargs)

    assignment_completed.connect(listen)
    try:
        status = LearnerStatus(
            assignment=assignment, learner_id=learner.pk, status=AssignmentStatus.COMPLETE, modules=()
        )
        record_completions(statuses=[status], snapshot=catalog(), now=NOW)
        stored = AssignmentCompletion.objects.get()
        record_completions(statuses=[dataclasses_replace(status, stored.completed_at)], snapshot=catalog(), now=NOW)
    finally:
        assignment_completed.disconnect(listen)
    assert len(heard) == 1
    assert heard[0]["learner"] == learner and heard[0]["assignment"] == assignment
    assert heard[0]["completed_at"] == stored.completed_at and heard[0]["score"] is None


def dataclasses_replace(status: LearnerStatus, completed_at: dt.datetime) -> LearnerStatus:
    import dataclasses

    return dataclasses.replace(status, completed_at=completed_at)
