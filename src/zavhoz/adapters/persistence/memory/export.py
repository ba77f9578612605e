"""The export port over the in-memory database: committed requests in the order they were made."""

from collections.abc import AsyncIterator

from zavhoz.adapters.persistence.memory.database import MemoryDatabase
from zavhoz.application.export import ExportQuery, ExportRow, ExportSource
from zavhoz.domain.events import EventKind
from zavhoz.domain.ids import OrgId, UserId
from zavhoz.domain.request import Request

_CLOSING = {EventKind.REJECTED, EventKind.CANCELLED}


class MemoryExportSource(ExportSource):
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def rows(self, query: ExportQuery, chunk: int) -> AsyncIterator[ExportRow]:
        """Everything is in memory already: ``chunk`` changes nothing here."""
        for number in sorted(self._db.requests):
            request = self._db.requests.get(number)
            if request is not None and query.matches(
                request.organization,
                request.created_at,
                request.status,
                request.priority,
                request.category,
            ):
                yield self._row(request)

    def _row(self, request: Request) -> ExportRow:
        return ExportRow(
            number=request.number,
            created_at=request.created_at,
            author=self._name(request.author),
            location=request.location,
            category=request.category,
            priority=request.priority,
            status=request.status,
            assignee=self._name(request.assignee) if request.assignee is not None else None,
            taken_at=request.taken_at,
            completed_at=request.completed_at,
            resolve_by=request.resolve_by,
            rating=request.rating,
            title=request.title,
            description=request.description,
            report=self._said(request, {EventKind.COMPLETED}, "report"),
            reason=self._said(request, _CLOSING, "reason"),
            organization=self._school(request.organization),
        )

    def _said(self, request: Request, kinds: set[EventKind], field: str) -> str | None:
        """``field`` of the request's last event of ``kinds``."""
        events = [e for e in self._db.history.get(request.id, []) if e.kind in kinds]
        value = events[-1].payload.get(field) if events else None
        return value if isinstance(value, str) else None

    def _school(self, org: OrgId) -> str:
        found = self._db.organizations.get(org)
        return found.name if found is not None else str(org)

    def _name(self, user_id: UserId) -> str:
        person = self._db.users.get(user_id)
        return person.name if person is not None and person.name else str(user_id)
