"""Outbox messages: what to tell whom, written in the same transaction as the change."""

from collections.abc import Mapping
from datetime import datetime

import attrs

from zavhoz.domain.attachments import Attachment
from zavhoz.domain.events import PayloadValue
from zavhoz.domain.ids import FIRST_ORG, OrgId, RequestId, UserId


@attrs.frozen(kw_only=True)
class OutboxMessage:
    """``template`` is a locale key; the delivery worker renders it in the recipient's language."""

    recipient: UserId
    template: str
    params: Mapping[str, PayloadValue] = attrs.field(factory=dict)
    dedupe_key: str
    request_id: RequestId | None = None
    attachments: tuple[Attachment, ...] = ()
    created_at: datetime
    organization: OrgId = FIRST_ORG
