"""What the study loop tells the rest of the app, after the transaction that recorded it has committed.

Apps above `study` (cohorts: assignment completions) listen here instead of being called from it, so the study loop
knows nothing of them.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent on commit of every newly recorded answer (not of a replay): learner_id, learner (the User, as loaded by the
# request), question_id, answered_at, test_id, log_id, log (the ReviewLog row), the answer as logged
# (question_revision, answer), so that listeners need not read the log again, and held_targeted (whether the
# learner had a row for any wrong idea the question targets, read with the card).
answer_recorded = Signal()

# Sent inside the answer's transaction, right after its log row is written: log, zone (the learner's). For rollups
# that must agree with the ledger (progress: the study day); each receiver writes one statement at most.
answer_logged = Signal()

# Sent on commit when a practice test ends by the learner's choice or by its last answer: learner_id, test_id,
# finished_at.
practice_test_finished = Signal()
