import attrs

from zavhoz.application.org_settings import workflow_of
from zavhoz.application.ports import UnitOfWork
from zavhoz.application.recording import record_changes
from zavhoz.application.transaction import in_transaction, load_user
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.attachments import Attachment
from zavhoz.domain.catalog import Category, Priority
from zavhoz.domain.errors import NotFound
from zavhoz.domain.ids import OrgId, RoomCode, UserId
from zavhoz.domain.request import Request


@attrs.frozen(kw_only=True)
class CreateRequestCommand:
    author_id: UserId
    location: str
    category: Category
    description: str
    priority: Priority = Priority.MEDIUM
    attachments: tuple[Attachment, ...] = ()
    room_code: RoomCode | None = None
    idempotency_key: str | None = None
    """The wizard draft's key: submitting the same draft twice returns the first request."""


class CreateRequest(Service):
    async def __call__(self, command: CreateRequestCommand) -> Request:
        return await in_transaction(self._uow_factory, lambda uow: self._create(uow, command))

    async def _create(self, uow: UnitOfWork, command: CreateRequestCommand) -> Request:
        if command.idempotency_key:
            earlier = await uow.requests.by_idempotency_key(
                command.author_id, command.idempotency_key
            )
            if earlier is not None:
                return earlier
        author = await load_user(uow, command.author_id)
        settings = await workflow_of(uow, self._settings, author.organization)
        request = Request.create(
            author=author,
            location=await self._location(uow, command, author.organization),
            category=command.category,
            description=command.description,
            priority=command.priority,
            attachments=command.attachments,
            room_code=command.room_code,
            idempotency_key=command.idempotency_key,
            now=self._clock.now(),
            calendar=settings.calendar,
        )
        await record_changes(uow, request, settings, new=True)
        return request

    async def _location(self, uow: UnitOfWork, command: CreateRequestCommand, org: OrgId) -> str:
        if command.room_code is None:
            return command.location
        room = await uow.rooms.get(org, command.room_code)
        if room is None:
            raise NotFound("room", command.room_code)
        return room.name
