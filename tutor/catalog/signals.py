"""What the catalog tells the apps above it about a content load."""

from __future__ import annotations

from django.dispatch import Signal

# Sent on commit of a content load that changed the facts of some questions (`changed: evidence`):
# changes = [(question id, new revision, note)].
evidence_changed = Signal()

# Sent inside a content load's transaction when some questions moved from one module to another (their cards did
# not change): module_ids = every module a question left or joined.
questions_moved = Signal()

# Sent on commit of a content load that added, changed, retired or moved questions (or modules): what each
# assignment's modules hold may have changed. No arguments.
question_bank_changed = Signal()
