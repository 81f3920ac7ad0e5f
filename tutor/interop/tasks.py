"""Background work of the LMS link: sending grades, so that a learner's answer never waits on an LMS."""

from __future__ import annotations

from django.tasks import task

from tutor.interop import services


@task()
def send_owed_grades() -> int:
    """Send every grade still owed to a platform (earlier failures included); returns how many went."""
    sent, _failed = services.send_owed_grades()
    return sent
