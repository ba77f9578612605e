"""Every action on a request card, one row each: the whole of what the bot knows about it.

A row names the action (its button is ``card.button.<action>``), what it asks for, its use case,
the limits of what is typed, whether a card changed meanwhile waits for a «Да», and what is shown
when done. Its words are locale keys named after the action: ``act.ask.<action>`` (the question
or the choice), ``act.verb.<action>`` (in «Всё равно …?»), ``act.done.<action>``. Whether this
person may do it to this request now is the core's answer (``RequestCard.refusal``), never a row's.
"""

from collections.abc import Awaitable, Callable
from enum import StrEnum

import attrs

from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.views import words
from zavhoz.application.use_cases.add_comment import AddCommentCommand
from zavhoz.application.use_cases.assign_request import AssignRequestCommand
from zavhoz.application.use_cases.cancel_request import CancelRequestCommand
from zavhoz.application.use_cases.change_priority import ChangePriorityCommand
from zavhoz.application.use_cases.complete_request import CompleteRequestCommand
from zavhoz.application.use_cases.confirm_request import ConfirmRequestCommand
from zavhoz.application.use_cases.hold_request import HoldRequestCommand
from zavhoz.application.use_cases.rate_request import RateRequestCommand
from zavhoz.application.use_cases.reassign_request import ReassignRequestCommand
from zavhoz.application.use_cases.reject_request import RejectRequestCommand
from zavhoz.application.use_cases.reopen_request import ReopenRequestCommand
from zavhoz.application.use_cases.resume_request import ResumeRequestCommand
from zavhoz.application.use_cases.take_request import TakeRequestCommand
from zavhoz.application.use_cases.watch_request import WatchRequestCommand
from zavhoz.domain import text as rules
from zavhoz.domain.attachments import Attachment
from zavhoz.domain.catalog import Priority
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.text import normalize
from zavhoz.domain.workflow import Action


class Ask(StrEnum):
    """What an action needs before it is done."""

    NOTHING = "nothing"
    STARS = "stars"
    """The button's stars; a low score asks what went wrong (the text may be skipped)."""
    PERSON = "person"
    """Someone to do the work, chosen from the people with their load."""
    PRIORITY = "priority"
    TEXT = "text"
    """A reason or a comment, typed."""
    REPORT = "report"
    """A report, typed, then photos of the work."""


@attrs.frozen(kw_only=True)
class Given:
    """What the person gave for the action: typed text, photos, a person, a priority, stars."""

    actor: UserId
    request_id: RequestId
    number: int = 0
    """The number people say, when known (0: shown by its id)."""
    text: str = ""
    photos: tuple[Attachment, ...] = ()
    person: int = 0
    """The chosen person's id."""
    priority: Priority = Priority.MEDIUM
    stars: int = 0
    seen: int | None = None
    """The card's version the person acted on: a guarded action refuses a changed card."""


Run = Callable[[Services, Given], Awaitable[object]]


@attrs.frozen(kw_only=True)
class Row:
    action: Action
    asks: Ask
    run: Run
    """The action's use case, with its command built from what was given."""
    rule: rules.TextRule | None = None
    """The limits of the typed text, checked as soon as it arrives."""
    guarded: bool = True
    """A button or a typed text for a card that changed meanwhile shows the card first."""
    skip: str | None = None
    """The button that leaves the typed text empty («Без причины»), when it may be."""
    stop: str = "common.cancel"
    done_with_text: str | None = None
    """``act.done.<this>`` when a text was given to an action whose text may be skipped."""
    line: int | None = None
    """The card's row of buttons its button sits in, in table order (none: the stars' own row)."""

    def done(self, t: Texts, given: Given) -> str:
        key = self.done_with_text if self.done_with_text and given.text.strip() else self.action
        return t(
            f"act.done.{key}",
            number=given.number or given.request_id,
            text=normalize(given.text, multiline=True),
            stars="★" * given.stars,
            priority=words.priority(t, given.priority),
        )

    def limits(self) -> dict[str, int]:
        """``min`` and ``max`` of the typed text, for the question."""
        rule = self.rule
        return {"min": rule.min_length, "max": rule.max_length} if rule else {}


def _take(s: Services, g: Given) -> Awaitable[object]:
    return s.take(TakeRequestCommand(actor_id=g.actor, request_id=g.request_id), seen=g.seen)


def _resume(s: Services, g: Given) -> Awaitable[object]:
    return s.resume(ResumeRequestCommand(actor_id=g.actor, request_id=g.request_id), seen=g.seen)


def _confirm(s: Services, g: Given) -> Awaitable[object]:
    return s.confirm(ConfirmRequestCommand(actor_id=g.actor, request_id=g.request_id), seen=g.seen)


def _watch(s: Services, g: Given) -> Awaitable[object]:
    return s.watch(WatchRequestCommand(actor_id=g.actor, request_id=g.request_id), seen=g.seen)


def _rate(s: Services, g: Given) -> Awaitable[object]:
    command = RateRequestCommand(
        actor_id=g.actor, request_id=g.request_id, score=g.stars, feedback=g.text
    )
    return s.rate(command, seen=g.seen)


def _assign(s: Services, g: Given) -> Awaitable[object]:
    command = AssignRequestCommand(
        actor_id=g.actor, request_id=g.request_id, assignee_id=UserId(g.person)
    )
    return s.assign(command, seen=g.seen)


def _reassign(s: Services, g: Given) -> Awaitable[object]:
    command = ReassignRequestCommand(
        actor_id=g.actor, request_id=g.request_id, assignee_id=UserId(g.person)
    )
    return s.reassign(command, seen=g.seen)


def _change_priority(s: Services, g: Given) -> Awaitable[object]:
    command = ChangePriorityCommand(actor_id=g.actor, request_id=g.request_id, priority=g.priority)
    return s.change_priority(command, seen=g.seen)


def _hold(s: Services, g: Given) -> Awaitable[object]:
    return s.hold(
        HoldRequestCommand(actor_id=g.actor, request_id=g.request_id, reason=g.text), seen=g.seen
    )


def _reject(s: Services, g: Given) -> Awaitable[object]:
    return s.reject(
        RejectRequestCommand(actor_id=g.actor, request_id=g.request_id, reason=g.text), seen=g.seen
    )


def _reopen(s: Services, g: Given) -> Awaitable[object]:
    return s.reopen(
        ReopenRequestCommand(actor_id=g.actor, request_id=g.request_id, reason=g.text), seen=g.seen
    )


def _cancel(s: Services, g: Given) -> Awaitable[object]:
    return s.cancel(
        CancelRequestCommand(actor_id=g.actor, request_id=g.request_id, reason=g.text), seen=g.seen
    )


def _complete(s: Services, g: Given) -> Awaitable[object]:
    command = CompleteRequestCommand(
        actor_id=g.actor, request_id=g.request_id, report=g.text, photos=g.photos
    )
    return s.complete(command, seen=g.seen)


def _comment(s: Services, g: Given) -> Awaitable[object]:
    command = AddCommentCommand(actor_id=g.actor, request_id=g.request_id, text=g.text)
    return s.add_comment(command, seen=g.seen)


def _note(s: Services, g: Given) -> Awaitable[object]:
    command = AddCommentCommand(
        actor_id=g.actor, request_id=g.request_id, text=g.text, internal=True
    )
    return s.add_comment(command, seen=g.seen)


_ROWS = (
    Row(action=Action.TAKE, asks=Ask.NOTHING, run=_take, line=0),
    Row(action=Action.COMPLETE, asks=Ask.REPORT, run=_complete, rule=rules.REPORT, line=0),
    Row(action=Action.HOLD, asks=Ask.TEXT, run=_hold, rule=rules.REASON, line=0),
    Row(action=Action.RESUME, asks=Ask.NOTHING, run=_resume, line=0),
    Row(action=Action.ASSIGN, asks=Ask.PERSON, run=_assign, line=1),
    Row(action=Action.REASSIGN, asks=Ask.PERSON, run=_reassign, line=1),
    Row(action=Action.REJECT, asks=Ask.TEXT, run=_reject, rule=rules.REASON, line=1),
    Row(action=Action.CHANGE_PRIORITY, asks=Ask.PRIORITY, run=_change_priority, line=1),
    Row(action=Action.CONFIRM, asks=Ask.NOTHING, run=_confirm, line=2),
    Row(action=Action.REOPEN, asks=Ask.TEXT, run=_reopen, rule=rules.REASON, line=2),
    Row(
        action=Action.CANCEL,
        asks=Ask.TEXT,
        run=_cancel,
        rule=rules.CANCEL_REASON,
        skip="act.button.no_reason",
        stop="act.button.keep",
        done_with_text="cancel_reason",
        line=2,
    ),
    Row(
        action=Action.COMMENT,
        asks=Ask.TEXT,
        run=_comment,
        rule=rules.COMMENT,
        guarded=False,
        line=3,
    ),
    Row(
        action=Action.INTERNAL_NOTE,
        asks=Ask.TEXT,
        run=_note,
        rule=rules.COMMENT,
        guarded=False,
        line=3,
    ),
    Row(action=Action.WATCH, asks=Ask.NOTHING, run=_watch, line=3),
    Row(
        action=Action.RATE,
        asks=Ask.STARS,
        run=_rate,
        rule=rules.FEEDBACK,
        skip="act.button.skip",
        done_with_text="rate_feedback",
    ),
)
ROWS: dict[str, Row] = {row.action.value: row for row in _ROWS}
CARD_LAYOUT = tuple(
    tuple(row.action for row in _ROWS if row.line == line)
    for line in sorted({row.line for row in _ROWS if row.line is not None})
)
"""The card's rows of action buttons."""
