"""The export port over the in-memory database: committed requests in order of their numbers."""

from collections.abc import AsyncIterator

from zavhoz.adapters.persistence.memory.database import MemoryDatabase
from zavhoz.application.export import ExportQuery, ExportRow, ExportSource
from zavhoz.domain.ids import UserId
from zavhoz.domain.request import Request


class MemoryExportSource(ExportSource):
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def rows(self, query: ExportQuery, chunk: int) -> AsyncIterator[ExportRow]:
        """Everything is in memory already: ``chunk`` changes nothing here."""
        for number in sorted(self._db.requests):
            request = self._db.requests.get(number)
            if request is not None and query.matches(
                request.created_at, request.status, request.priority, request.category
            ):
                yield self._row(request)

    def _row(self, request: Request) -> ExportRow:
        return ExportRow(
            number=request.id,
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
        )

    def _name(self, user_id: UserId) -> str:
        person = self._db.users.get(user_id)
        return person.name if person is not None and person.name else str(user_id)
