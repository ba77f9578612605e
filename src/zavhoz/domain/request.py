"""The request aggregate: its fields, its lifecycle, the history it records and its SLA."""

from collections.abc import Iterable
from datetime import datetime, timedelta

import attrs

from zavhoz.domain import sla, text
from zavhoz.domain.attachments import Attachment, check_count
from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.errors import AlreadyTaken, AlreadyYours, NotPermitted, ValidationFailed
from zavhoz.domain.events import EventKind, HistoryEvent, PayloadValue, SlaReached
from zavhoz.domain.ids import FIRST_ORG, OrgId, RequestId, RoomCode, UserId
from zavhoz.domain.policy import NOT_ADMITTED, ensure_permitted
from zavhoz.domain.sla import SLA_TERMS, SlaCheckpoint, SlaKind
from zavhoz.domain.users import User
from zavhoz.domain.workflow import Action, next_status

REOPEN_WINDOW = timedelta(days=7)
UNSAVED = RequestId(0)


@attrs.define(kw_only=True, eq=False)
class Request:
    id: RequestId = UNSAVED
    organization: OrgId = FIRST_ORG
    number: int = 0
    """What people say, "заявка №142": counted per organization (``id`` is internal)."""
    author: UserId
    location: str
    room_code: RoomCode | None = None
    category: Category
    description: str
    title: str
    priority: Priority = Priority.MEDIUM
    status: Status = Status.OPEN
    assignee: UserId | None = None
    attachments: list[Attachment] = attrs.field(factory=list)
    watchers: set[UserId] = attrs.field(factory=set)
    created_at: datetime
    updated_at: datetime
    taken_at: datetime | None = None
    completed_at: datetime | None = None
    confirmed_at: datetime | None = None
    closed_at: datetime | None = None
    rating: int | None = None
    feedback: str | None = None
    respond_by: datetime
    resolve_by: datetime
    sla_started_at: datetime
    held: timedelta = timedelta(0)
    hold_started_at: datetime | None = None
    sla_checkpoints: tuple[SlaCheckpoint, ...] = ()
    sla_alerts_sent: frozenset[str] = frozenset()
    idempotency_key: str | None = None
    version: int = 0
    new_events: list[HistoryEvent] = attrs.field(factory=list)
    sla_events: list[SlaReached] = attrs.field(factory=list)

    @classmethod
    def create(
        cls,
        *,
        author: User,
        location: str,
        category: Category,
        description: str,
        priority: Priority,
        now: datetime,
        calendar: WorkingCalendar,
        attachments: Iterable[Attachment] = (),
        room_code: RoomCode | None = None,
        idempotency_key: str | None = None,
    ) -> "Request":
        if not author.is_active:
            raise NotPermitted("create", f"user_is_{author.state.value}")
        files = list(attachments)
        check_count(files)
        body = text.DESCRIPTION.clean(description)
        terms = SLA_TERMS[priority]
        request = cls(
            organization=author.organization,
            author=author.id,
            location=text.LOCATION.clean(location),
            room_code=room_code,
            category=category,
            description=body,
            title=text.derive_title(body),
            priority=priority,
            attachments=files,
            created_at=now,
            updated_at=now,
            respond_by=sla.deadline(calendar, now, terms.respond, timedelta(0)),
            resolve_by=sla.deadline(calendar, now, terms.resolve, timedelta(0)),
            sla_started_at=now,
            idempotency_key=idempotency_key,
        )
        request._plan_sla(calendar, responding=True)
        request._record(EventKind.CREATED, author, now, attachments=tuple(files))
        return request

    # --- workflow -------------------------------------------------------------------------

    def take(self, actor: User, now: datetime) -> None:
        ensure_permitted(actor, Action.TAKE, self)
        taken = self.taken_error(actor)
        if taken is not None:
            raise taken
        self._move(Action.TAKE)
        self._start_work(actor.id, now)
        self._record(EventKind.TAKEN, actor, now)

    def assign(self, actor: User, target: User, now: datetime) -> None:
        ensure_permitted(actor, Action.ASSIGN, self)
        _check_can_work(target)
        self._move(Action.ASSIGN)
        self._start_work(target.id, now)
        self._record(EventKind.ASSIGNED, actor, now, assignee=target.id)

    def reassign(self, actor: User, target: User, now: datetime) -> None:
        ensure_permitted(actor, Action.REASSIGN, self)
        _check_can_work(target)
        if target.id == self.assignee:
            raise ValidationFailed("assignee", "same_assignee")
        self._move(Action.REASSIGN)
        previous, self.assignee = self.assignee, target.id
        self._record(EventKind.REASSIGNED, actor, now, assignee=target.id, previous=previous)

    def hold(self, actor: User, reason: str, now: datetime) -> None:
        ensure_permitted(actor, Action.HOLD, self)
        cleaned = text.REASON.clean(reason)
        self._move(Action.HOLD)
        self.hold_started_at = now
        self.sla_checkpoints = ()
        self._record(EventKind.PUT_ON_HOLD, actor, now, reason=cleaned)

    def resume(self, actor: User, now: datetime, calendar: WorkingCalendar) -> None:
        ensure_permitted(actor, Action.RESUME, self)
        self._move(Action.RESUME)
        if self.hold_started_at is not None:
            self.held += calendar.between(self.hold_started_at, now)
        self.hold_started_at = None
        self._plan_sla(calendar, responding=False)
        self._record(EventKind.RESUMED, actor, now)

    def complete(
        self,
        actor: User,
        report: str,
        photos: Iterable[Attachment],
        now: datetime,
        *,
        photo_required: bool = False,
    ) -> None:
        ensure_permitted(actor, Action.COMPLETE, self)
        cleaned = text.REPORT.clean(report)
        files = tuple(photos)
        check_count(files)
        if photo_required and not files:
            raise ValidationFailed("photos", "required", 1, 0)
        self._move(Action.COMPLETE)
        self.completed_at = now
        self.sla_checkpoints = ()
        self._record(EventKind.COMPLETED, actor, now, attachments=files, report=cleaned)

    def reject(self, actor: User, reason: str, now: datetime) -> None:
        ensure_permitted(actor, Action.REJECT, self)
        cleaned = text.REASON.clean(reason)
        self._move(Action.REJECT)
        self._close(now)
        self._record(EventKind.REJECTED, actor, now, reason=cleaned)

    def cancel(self, actor: User, reason: str, now: datetime) -> None:
        ensure_permitted(actor, Action.CANCEL, self)
        cleaned = text.CANCEL_REASON.clean(reason)
        self._move(Action.CANCEL)
        self._close(now)
        self._record(EventKind.CANCELLED, actor, now, reason=cleaned or None)

    def reopen(self, actor: User, reason: str, now: datetime, calendar: WorkingCalendar) -> None:
        ensure_permitted(actor, Action.REOPEN, self)
        cleaned = text.REASON.clean(reason)
        self._require_admitted(Action.REOPEN, actor, now)
        self._move(Action.REOPEN)
        self.completed_at = None
        self.sla_started_at, self.held = now, timedelta(0)
        self.sla_alerts_sent = frozenset()
        self._plan_sla(calendar, responding=False)
        self._record(EventKind.REOPENED, actor, now, reason=cleaned)

    def confirm(self, actor: User, now: datetime) -> None:
        ensure_permitted(actor, Action.CONFIRM, self)
        self._require_admitted(Action.CONFIRM, actor, now)
        self._move(Action.CONFIRM)
        self.confirmed_at = now
        self._record(EventKind.CONFIRMED, actor, now)

    def rate(self, actor: User, score: int, feedback: str, now: datetime) -> None:
        ensure_permitted(actor, Action.RATE, self)
        if not 1 <= score <= 5:
            raise ValidationFailed("rating", "range", 5, score)
        cleaned = text.FEEDBACK.clean(feedback)
        self._require_admitted(Action.RATE, actor, now)
        self._move(Action.RATE)
        self.rating, self.feedback = score, cleaned or None
        self._record(EventKind.RATED, actor, now, rating=score, feedback=self.feedback)

    def change_priority(
        self, actor: User, priority: Priority, now: datetime, calendar: WorkingCalendar
    ) -> None:
        ensure_permitted(actor, Action.CHANGE_PRIORITY, self)
        if priority is self.priority:
            raise ValidationFailed("priority", "unchanged")
        self._move(Action.CHANGE_PRIORITY)
        previous, self.priority = self.priority, priority
        self.respond_by = sla.deadline(calendar, self.created_at, self._terms.respond, timedelta(0))
        self.resolve_by = sla.deadline(
            calendar, self.sla_started_at, self._terms.resolve, self.held
        )
        self.sla_alerts_sent = frozenset()
        if self.status is not Status.ON_HOLD:
            self._plan_sla(calendar, responding=self.status is Status.OPEN)
        self._record(
            EventKind.PRIORITY_CHANGED, actor, now, priority=priority.value, previous=previous.value
        )

    def comment(
        self,
        actor: User,
        body: str,
        now: datetime,
        *,
        internal: bool = False,
        attachments: Iterable[Attachment] = (),
    ) -> None:
        ensure_permitted(actor, Action.INTERNAL_NOTE if internal else Action.COMMENT, self)
        cleaned = text.COMMENT.clean(body)
        files = tuple(attachments)
        check_count(files)
        self._move(Action.INTERNAL_NOTE if internal else Action.COMMENT)
        self._record(
            EventKind.COMMENT_ADDED, actor, now, attachments=files, text=cleaned, internal=internal
        )

    def add_attachment(self, actor: User, attachment: Attachment, now: datetime) -> None:
        ensure_permitted(actor, Action.ADD_ATTACHMENT, self)
        check_count([*self.attachments, attachment])
        self._move(Action.ADD_ATTACHMENT)
        self.attachments.append(attachment)
        self._record(
            EventKind.ATTACHMENT_ADDED,
            actor,
            now,
            attachments=(attachment,),
            file_kind=attachment.kind,
        )

    def watch(self, actor: User, now: datetime) -> bool:
        """Subscribe ``actor`` to status changes; ``False`` when they already were."""
        ensure_permitted(actor, Action.WATCH, self)
        self._move(Action.WATCH)
        if actor.id in self.watchers:
            return False
        self.watchers.add(actor.id)
        self._record(EventKind.WATCHER_ADDED, actor, now)
        return True

    # --- SLA ------------------------------------------------------------------------------

    @property
    def pressing(self) -> SlaKind | None:
        """The deadline that matters now: respond while open, resolve while in progress."""
        return _PRESSING.get(self.status)

    @property
    def due_at(self) -> datetime | None:
        pressing = self.pressing
        if pressing is None:
            return None
        return self.respond_by if pressing is SlaKind.RESPOND else self.resolve_by

    def is_overdue(self, now: datetime) -> bool:
        return self.due_at is not None and self.due_at < now

    @property
    def next_alert_at(self) -> datetime | None:
        pending = [c.at for c in self.sla_checkpoints if c.key not in self.sla_alerts_sent]
        return min(pending, default=None)

    def due_alerts(self, now: datetime) -> list[SlaCheckpoint]:
        """Checkpoints reached by ``now`` and not yet alerted: each is recorded, so sent once."""
        due = [c for c in self.sla_checkpoints if c.at <= now and c.key not in self.sla_alerts_sent]
        if due:
            self._reach(due, now)
        return due

    # --- queries --------------------------------------------------------------------------

    def admits(self, action: Action, actor: User, now: datetime) -> bool:
        """State conditions beyond the transition table (once-only actions, time windows)."""
        if action is Action.RATE:
            return self.rating is None
        if action is Action.CONFIRM:
            return self.confirmed_at is None
        if action is Action.REOPEN:
            return self.confirmed_at is None and self._within_reopen_window(now)
        if action is Action.WATCH:
            return actor.id not in self.watchers and actor.id != self.assignee
        return not (action is Action.TAKE and self.assignee is not None)

    def taken_error(self, actor: User) -> AlreadyYours | AlreadyTaken | None:
        """Why ``actor`` cannot take it: it is being worked on, by them or by someone else."""
        if self.assignee is None or not self.status.is_active:
            return None
        return AlreadyYours() if self.assignee == actor.id else AlreadyTaken(self.assignee)

    def pull_events(self) -> list[HistoryEvent]:
        events, self.new_events = self.new_events, []
        return events

    def pull_sla_events(self) -> list[SlaReached]:
        events, self.sla_events = self.sla_events, []
        return events

    # --- internals ------------------------------------------------------------------------

    @property
    def _terms(self) -> sla.SlaTerms:
        return SLA_TERMS[self.priority]

    def _within_reopen_window(self, now: datetime) -> bool:
        return self.completed_at is not None and now - self.completed_at <= REOPEN_WINDOW

    def _require_admitted(self, action: Action, actor: User, now: datetime) -> None:
        if self.status is Status.COMPLETED and not self.admits(action, actor, now):
            raise NotPermitted(action.value, NOT_ADMITTED[action])

    def _move(self, action: Action) -> None:
        self.status = next_status(self.status, action)

    def _start_work(self, assignee: UserId, now: datetime) -> None:
        self.assignee, self.taken_at = assignee, now
        self.sla_checkpoints = tuple(c for c in self.sla_checkpoints if c.kind is SlaKind.RESOLVE)

    def _close(self, now: datetime) -> None:
        self.closed_at = now
        self.sla_checkpoints = ()

    def _plan_sla(self, calendar: WorkingCalendar, *, responding: bool) -> None:
        resolve = sla.checkpoints(
            calendar, SlaKind.RESOLVE, self.sla_started_at, self._terms.resolve, self.held
        )
        self.resolve_by = resolve[0].deadline
        respond = (
            sla.checkpoints(calendar, SlaKind.RESPOND, self.created_at, self._terms.respond)
            if responding
            else ()
        )
        self.sla_checkpoints = respond + resolve

    def _reach(self, checkpoints: list[SlaCheckpoint], now: datetime) -> None:
        self.sla_alerts_sent = self.sla_alerts_sent | {c.key for c in checkpoints}
        self.version += 1
        self.sla_events += [
            SlaReached(checkpoint=c, priority=self.priority, at=now) for c in checkpoints
        ]

    def _record(
        self,
        kind: EventKind,
        actor: User,
        now: datetime,
        *,
        attachments: tuple[Attachment, ...] = (),
        **payload: PayloadValue,
    ) -> None:
        self.updated_at = now
        self.version += 1
        self.new_events.append(
            HistoryEvent(
                kind=kind, actor=actor.id, at=now, payload=payload, attachments=attachments
            )
        )


_PRESSING = {Status.OPEN: SlaKind.RESPOND, Status.IN_PROGRESS: SlaKind.RESOLVE}


def _check_can_work(target: User) -> None:
    if not (target.is_active and target.is_executor):
        raise ValidationFailed("assignee", "not_an_active_executor")
