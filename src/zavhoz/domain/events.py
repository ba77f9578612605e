"""What happened to a request: its history (every change someone made, kept forever) and the
SLA checkpoints it reached (time passing, not anyone's change: counted and announced, not kept)."""

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum

import attrs

from zavhoz.domain.attachments import Attachment
from zavhoz.domain.catalog import Priority
from zavhoz.domain.ids import UserId
from zavhoz.domain.sla import SlaCheckpoint, SlaKind, SlaLevel

PayloadValue = str | int | bool | None


class EventKind(StrEnum):
    CREATED = "created"
    TAKEN = "taken"
    ASSIGNED = "assigned"
    REASSIGNED = "reassigned"
    PUT_ON_HOLD = "put_on_hold"
    RESUMED = "resumed"
    COMPLETED = "completed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    REOPENED = "reopened"
    CONFIRMED = "confirmed"
    RATED = "rated"
    PRIORITY_CHANGED = "priority_changed"
    COMMENT_ADDED = "comment_added"
    ATTACHMENT_ADDED = "attachment_added"
    WATCHER_ADDED = "watcher_added"


@attrs.frozen(kw_only=True)
class HistoryEvent:
    kind: EventKind
    actor: UserId
    at: datetime
    payload: Mapping[str, PayloadValue] = attrs.field(factory=dict)
    attachments: tuple[Attachment, ...] = ()

    @property
    def is_internal(self) -> bool:
        """An internal note: never shown to, nor sent to, the author."""
        return self.payload.get("internal") is True


@attrs.frozen(kw_only=True)
class SlaReached:
    """A request of ``priority`` reached ``checkpoint`` (found at ``at``, by the scan)."""

    checkpoint: SlaCheckpoint
    priority: Priority
    at: datetime

    @property
    def kind(self) -> SlaKind:
        return self.checkpoint.kind

    @property
    def level(self) -> SlaLevel:
        return self.checkpoint.level
