"""What the queue and the lists can be narrowed by (the filters of BOT_UX.md)."""

import re
from datetime import datetime

import attrs

from zavhoz.domain.catalog import ACTIVE_STATUSES, Category, Priority, Status
from zavhoz.domain.ids import OrgId, RequestId, UserId
from zavhoz.domain.text import normalize

_NUMBER = re.compile(r"[#№]?\s*(\d{1,18})")


@attrs.frozen(kw_only=True)
class QueueFilter:
    statuses: frozenset[Status] = ACTIVE_STATUSES
    priority: Priority | None = None
    category: Category | None = None
    assignee: UserId | None = None
    overdue_at: datetime | None = None
    """Only requests whose current deadline passed before this moment."""
    words: tuple[str, ...] = ()
    """Every word must occur, in any case, in the location, title or description."""
    organizations: frozenset[OrgId] | None = None
    """Only these organizations' requests. ``None`` is every one: for the process's own counts,
    never a person's query (the core sets it from their reach)."""


def parse_number(query: str) -> RequestId | None:
    """``142``, ``#142`` and ``№142`` all mean request 142."""
    match = _NUMBER.fullmatch(query.strip())
    return RequestId(int(match.group(1))) if match else None


def search_words(query: str) -> tuple[str, ...]:
    return tuple(word.casefold() for word in normalize(query).split(" ") if word)
