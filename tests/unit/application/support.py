"""Helpers for application tests: drive the real use cases the way people would."""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from tests.unit.builders import photo
from tests.unit.conftest import ADMIN, EXECUTOR, STAFF
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.add_attachment import AddAttachment, AddAttachmentCommand
from zavhoz.application.use_cases.add_comment import AddComment, AddCommentCommand
from zavhoz.application.use_cases.assign_request import AssignRequest, AssignRequestCommand
from zavhoz.application.use_cases.cancel_request import CancelRequest, CancelRequestCommand
from zavhoz.application.use_cases.change_priority import ChangePriority, ChangePriorityCommand
from zavhoz.application.use_cases.complete_request import CompleteRequest, CompleteRequestCommand
from zavhoz.application.use_cases.confirm_request import ConfirmRequest, ConfirmRequestCommand
from zavhoz.application.use_cases.create_request import CreateRequest, CreateRequestCommand
from zavhoz.application.use_cases.hold_request import HoldRequest, HoldRequestCommand
from zavhoz.application.use_cases.rate_request import RateRequest, RateRequestCommand
from zavhoz.application.use_cases.reassign_request import ReassignRequest, ReassignRequestCommand
from zavhoz.application.use_cases.reject_request import RejectRequest, RejectRequestCommand
from zavhoz.application.use_cases.reopen_request import ReopenRequest, ReopenRequestCommand
from zavhoz.application.use_cases.resume_request import ResumeRequest, ResumeRequestCommand
from zavhoz.application.use_cases.take_request import TakeRequest, TakeRequestCommand
from zavhoz.application.use_cases.watch_request import WatchRequest, WatchRequestCommand
from zavhoz.domain.attachments import Attachment
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.request import Request

DOOR = "Не закрывается дверь в кабинет"
MOSCOW = ZoneInfo("Europe/Moscow")


def msk(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in January 2026, Moscow time (the 12th is a Monday)."""
    return datetime(2026, 1, day, hour, minute, tzinfo=MOSCOW)


Told = set[tuple[int, str]]


def told(messages: Iterable[OutboxMessage]) -> Told:
    """Who was told what: the (recipient, template) pairs of ``messages``."""
    return {(m.recipient, m.template) for m in messages}


@attrs.frozen
class Snapshot:
    """Everything a use case may write, deep enough to compare before and after."""

    requests: dict[int, tuple[Any, ...]]
    history: dict[int, int]
    outbox: tuple[str, ...]
    users: dict[int, tuple[Any, ...]]

    @classmethod
    def of(cls, db: MemoryDatabase) -> "Snapshot":
        return cls(
            requests={
                rid: (r.status, r.assignee, r.version, r.priority, r.rating, frozenset(r.watchers))
                for rid, r in db.requests.items()
            },
            history={rid: len(events) for rid, events in db.history.items()},
            outbox=tuple(m.dedupe_key for m in db.outbox),
            users={uid: (u.role, u.state, u.name) for uid, u in db.users.items()},
        )


@attrs.define
class Desk:
    """The front desk: every verb of the workflow, through the real use cases."""

    build: Callable[..., Any]
    db: MemoryDatabase
    clock: FakeClock
    settings: WorkflowSettings

    # --- reading the store -----------------------------------------------------------------

    def request(self, request_id: RequestId) -> Request:
        return self.db.requests[request_id]

    def kinds(self, request_id: RequestId) -> list[str]:
        return [e.kind.value for e in self.db.history.get(request_id, [])]

    def mark(self) -> int:
        return len(self.db.outbox)

    def since(self, mark: int) -> list[OutboxMessage]:
        return self.db.outbox[mark:]

    def told_since(self, mark: int) -> Told:
        return told(self.since(mark))

    # --- the verbs ------------------------------------------------------------------------

    async def create(
        self,
        author: int = STAFF,
        *,
        description: str = DOOR,
        location: str = "Каб. 305",
        category: Category = Category.DOORS_LOCKS_SECURITY,
        priority: Priority = Priority.MEDIUM,
        key: str | None = None,
        settings: WorkflowSettings | None = None,
        **extra: Any,
    ) -> Request:
        command = CreateRequestCommand(
            author_id=UserId(author),
            location=location,
            category=category,
            description=description,
            priority=priority,
            idempotency_key=key,
            **extra,
        )
        service = self.build(CreateRequest, settings=settings or self.settings)
        result: Request = await service(command)
        return result

    async def take(self, rid: RequestId, actor: int = EXECUTOR) -> Request:
        return await self._do(TakeRequest, TakeRequestCommand, rid, actor)

    async def assign(self, rid: RequestId, to: int, actor: int = ADMIN) -> Request:
        return await self._do(
            AssignRequest, AssignRequestCommand, rid, actor, assignee_id=UserId(to)
        )

    async def reassign(self, rid: RequestId, to: int, actor: int = ADMIN) -> Request:
        return await self._do(
            ReassignRequest, ReassignRequestCommand, rid, actor, assignee_id=UserId(to)
        )

    async def hold(self, rid: RequestId, actor: int = EXECUTOR, reason: str = "Ждём запчасти"):
        return await self._do(HoldRequest, HoldRequestCommand, rid, actor, reason=reason)

    async def resume(self, rid: RequestId, actor: int = EXECUTOR) -> Request:
        return await self._do(ResumeRequest, ResumeRequestCommand, rid, actor)

    async def complete(
        self,
        rid: RequestId,
        actor: int = EXECUTOR,
        report: str = "Заменили замок",
        photos: tuple[Attachment, ...] = (),
        settings: WorkflowSettings | None = None,
    ) -> Request:
        return await self._do(
            CompleteRequest,
            CompleteRequestCommand,
            rid,
            actor,
            report=report,
            photos=photos,
            settings=settings,
        )

    async def reject(self, rid: RequestId, actor: int = ADMIN, reason: str = "Не наша зона"):
        return await self._do(RejectRequest, RejectRequestCommand, rid, actor, reason=reason)

    async def cancel(self, rid: RequestId, actor: int = STAFF, reason: str = "") -> Request:
        return await self._do(CancelRequest, CancelRequestCommand, rid, actor, reason=reason)

    async def reopen(self, rid: RequestId, actor: int = STAFF, reason: str = "Снова сломалось"):
        return await self._do(ReopenRequest, ReopenRequestCommand, rid, actor, reason=reason)

    async def confirm(self, rid: RequestId, actor: int = STAFF) -> Request:
        return await self._do(ConfirmRequest, ConfirmRequestCommand, rid, actor)

    async def rate(self, rid: RequestId, score: int, actor: int = STAFF, feedback: str = ""):
        return await self._do(
            RateRequest, RateRequestCommand, rid, actor, score=score, feedback=feedback
        )

    async def change_priority(
        self, rid: RequestId, priority: Priority, actor: int = ADMIN
    ) -> Request:
        return await self._do(ChangePriority, ChangePriorityCommand, rid, actor, priority=priority)

    async def comment(
        self,
        rid: RequestId,
        actor: int,
        text: str = "Когда придёте?",
        *,
        internal: bool = False,
        attachments: tuple[Attachment, ...] = (),
    ) -> Request:
        return await self._do(
            AddComment,
            AddCommentCommand,
            rid,
            actor,
            text=text,
            internal=internal,
            attachments=attachments,
        )

    async def note(self, rid: RequestId, actor: int, text: str = "Замок б/у, не гарантия"):
        return await self.comment(rid, actor, text, internal=True)

    async def attach(self, rid: RequestId, actor: int, attachment: Attachment | None = None):
        return await self._do(
            AddAttachment,
            AddAttachmentCommand,
            rid,
            actor,
            attachment=attachment or photo(7),
        )

    async def watch(self, rid: RequestId, actor: int) -> Request:
        return await self._do(WatchRequest, WatchRequestCommand, rid, actor)

    async def in_status(
        self,
        status: Status,
        *,
        author: int = STAFF,
        worker: int = EXECUTOR,
        watchers: Iterable[int] = (),
    ) -> RequestId:
        """A request brought into ``status`` through the use cases, worked on by ``worker``."""
        rid = (await self.create(author)).id
        for watcher in watchers:
            await self.watch(rid, watcher)
        if status is Status.CANCELLED:
            await self.cancel(rid, author)
        elif status is Status.REJECTED:
            await self.reject(rid)
        elif status is not Status.OPEN:
            await self.take(rid, worker)
            if status is Status.ON_HOLD:
                await self.hold(rid, worker)
            elif status is Status.COMPLETED:
                await self.complete(rid, worker)
        assert self.request(rid).status is status
        return rid

    async def _do(
        self,
        service: type,
        command: type,
        rid: RequestId,
        actor: int,
        settings: WorkflowSettings | None = None,
        **fields: Any,
    ) -> Request:
        use_case = self.build(service, settings=settings or self.settings)
        result: Request = await use_case(
            command(actor_id=UserId(actor), request_id=RequestId(rid), **fields)
        )
        return result
