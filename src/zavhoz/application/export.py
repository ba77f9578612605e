"""Exporting requests to a spreadsheet: what to export, one exported row, and the read port.

The port streams: an adapter answers ``rows`` chunk by chunk (keyset pagination or a server-side
cursor), so exporting a hundred thousand requests takes as little memory as exporting ten.
"""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import NamedTuple, Protocol

import attrs

from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.ids import OrgId

ALL_STATUSES = frozenset(Status)


@attrs.frozen(kw_only=True)
class ExportQuery:
    """Requests of ``organizations`` created in ``[since, until)`` (either end open when
    ``None``) that match. ``ExportRequests`` sets the organizations from the actor's reach."""

    organizations: frozenset[OrgId] = frozenset()
    since: datetime | None = None
    until: datetime | None = None
    statuses: frozenset[Status] = ALL_STATUSES
    priority: Priority | None = None
    category: Category | None = None

    def matches(
        self,
        organization: OrgId,
        created_at: datetime,
        status: Status,
        priority: Priority,
        category: Category,
    ) -> bool:
        """The same test the database applies, for adapters that filter in Python."""
        return (
            organization in self.organizations
            and (self.since is None or created_at >= self.since)
            and (self.until is None or created_at < self.until)
            and status in self.statuses
            and self.priority in (None, priority)
            and self.category in (None, category)
        )


class ExportRow(NamedTuple):
    """One request as the database has it, with the names of its author and assignee.

    A named tuple rather than an attrs class: an export makes one per request, and a tuple is
    made four times faster than a frozen attrs instance of this size.
    """

    number: int
    """The number people say («№142», counted per organization), never the internal id."""
    created_at: datetime
    author: str
    """The author's name (their id when they have none)."""
    location: str
    category: Category
    priority: Priority
    status: Status
    assignee: str | None
    taken_at: datetime | None
    completed_at: datetime | None
    resolve_by: datetime
    rating: int | None
    title: str
    description: str
    report: str | None = None
    """The report of the request's last completion (kept in its history)."""
    reason: str | None = None
    """The reason of its last rejection or cancellation (kept in its history)."""
    organization: str = ""
    """The name of the request's organization (its school)."""


CLOSED_WITH_REASON = frozenset({Status.REJECTED, Status.CANCELLED})


class ExportSource(Protocol):
    def rows(self, query: ExportQuery, chunk: int) -> AsyncIterator[ExportRow]:
        """Matching requests in the order they were created, read ``chunk`` at a time, each with
        its last completion report and its last rejection or cancellation reason."""
