"""The state machine as a table: (from-status, action) -> to-status."""

from enum import StrEnum

from zavhoz.domain.catalog import Status
from zavhoz.domain.errors import TransitionNotAllowed


class Action(StrEnum):
    TAKE = "take"
    ASSIGN = "assign"
    REASSIGN = "reassign"
    HOLD = "hold"
    RESUME = "resume"
    COMPLETE = "complete"
    REJECT = "reject"
    CANCEL = "cancel"
    REOPEN = "reopen"
    CONFIRM = "confirm"
    RATE = "rate"
    CHANGE_PRIORITY = "change_priority"
    COMMENT = "comment"
    INTERNAL_NOTE = "internal_note"
    ADD_ATTACHMENT = "add_attachment"
    WATCH = "watch"


_O, _P, _H, _C = Status.OPEN, Status.IN_PROGRESS, Status.ON_HOLD, Status.COMPLETED
_TALKABLE = (_O, _P, _H, _C)

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (_O, Action.TAKE): _P,
    (_O, Action.ASSIGN): _P,
    (_P, Action.REASSIGN): _P,
    (_H, Action.REASSIGN): _H,
    (_P, Action.HOLD): _H,
    (_H, Action.RESUME): _P,
    (_P, Action.COMPLETE): _C,
    (_O, Action.REJECT): Status.REJECTED,
    (_P, Action.REJECT): Status.REJECTED,
    (_H, Action.REJECT): Status.REJECTED,
    (_O, Action.CANCEL): Status.CANCELLED,
    (_C, Action.REOPEN): _P,
    (_C, Action.CONFIRM): _C,
    (_C, Action.RATE): _C,
    **{(s, Action.CHANGE_PRIORITY): s for s in (_O, _P, _H)},
    **{(s, Action.COMMENT): s for s in _TALKABLE},
    **{(s, Action.INTERNAL_NOTE): s for s in _TALKABLE},
    **{(s, Action.ADD_ATTACHMENT): s for s in (_O, _P, _H)},
    **{(s, Action.WATCH): s for s in (_O, _P, _H)},
}


def next_status(status: Status, action: Action) -> Status:
    """The status after ``action``; raises ``TransitionNotAllowed`` when the table has no row."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise TransitionNotAllowed(status.value, action.value) from None


def allowed_actions(status: Status) -> frozenset[Action]:
    return frozenset(action for (source, action) in TRANSITIONS if source is status)
