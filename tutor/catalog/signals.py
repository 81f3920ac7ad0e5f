"""What the catalog tells the apps above it, after the content load that caused it has committed."""

from __future__ import annotations

from django.dispatch import Signal

# Sent on commit of a content load that changed the facts of some questions (`changed: evidence`):
# changes = [(question id, new revision, note)].
evidence_changed = Signal()
