"""The request card: everything about one request, and the buttons the viewer may press now."""

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.views import dates, words
from zavhoz.application.queries.request_card import RequestCard
from zavhoz.domain.catalog import Status
from zavhoz.domain.events import EventKind, HistoryEvent
from zavhoz.domain.ids import UserId
from zavhoz.domain.request import Request
from zavhoz.domain.workflow import Action

LAST_COMMENTS = 3
COMMENT_PREVIEW = 300
ACTION_ROWS: tuple[tuple[Action, ...], ...] = (
    (Action.TAKE, Action.COMPLETE, Action.HOLD, Action.RESUME),
    (Action.ASSIGN, Action.REASSIGN, Action.REJECT, Action.CHANGE_PRIORITY),
    (Action.CONFIRM, Action.REOPEN, Action.CANCEL),
    (Action.COMMENT, Action.INTERNAL_NOTE, Action.WATCH),
)


def card_text(card: RequestCard, t: Texts, now: datetime, zone: ZoneInfo) -> str:
    request = card.request
    lines = [
        t("card.title", number=request.id, status=words.status(t, request.status)),
        f"{words.priority(t, request.priority)} · {words.category(t, request.category)}",
        t("card.location", location=request.location),
        t("card.author", name=_name(card, request.author)),
    ]
    if request.assignee is not None:
        lines.append(t("card.assignee", name=_name(card, request.assignee)))
    lines.append(t("card.created", when=dates.moment(t, request.created_at, now, zone)))
    lines += _deadline(request, t, now, zone)
    if request.attachments:
        lines.append(t("card.attachments", n=len(request.attachments)))
    if request.rating is not None:
        lines.append(t("card.rating", stars="★" * request.rating))
    lines += ["", t("card.description", text=request.description)]
    return "\n".join(lines + _comments(card, t, now, zone))


def card_keyboard(card: RequestCard, t: Texts) -> InlineKeyboardMarkup:
    request = card.request
    rows = [
        [_button(t(f"card.button.{a.value}"), request, a) for a in row if a in card.actions]
        for row in ACTION_ROWS
    ]
    if Action.RATE in card.actions:
        rows.append([_button("★" * n, request, Action.RATE, str(n)) for n in range(1, 6)])
    extras = [_button(t("card.button.history"), request, "history")]
    if request.attachments:
        extras.insert(0, _button(t("card.button.files"), request, "files"))
    extras.append(_button(t("card.button.refresh"), request, "open"))
    return InlineKeyboardMarkup(inline_keyboard=[row for row in [*rows, extras] if row])


def history_text(card: RequestCard, t: Texts, now: datetime, zone: ZoneInfo) -> str:
    lines = [t("card.history_title", number=card.request.id)]
    for event in card.history:
        when = dates.moment(t, event.at, now, zone)
        lines.append(t(f"history.{event.kind.value}", when=when, who=_name(card, event.actor)))
    return "\n".join(lines)


def _deadline(request: Request, t: Texts, now: datetime, zone: ZoneInfo) -> list[str]:
    if request.status is Status.ON_HOLD:
        return [t("card.deadline_paused")]
    if request.due_at is None:
        return []
    return [t("card.deadline", when=Html(dates.deadline(t, request.due_at, now, zone)))]


def _comments(card: RequestCard, t: Texts, now: datetime, zone: ZoneInfo) -> list[str]:
    comments = [e for e in card.history if e.kind is EventKind.COMMENT_ADDED][-LAST_COMMENTS:]
    if not comments:
        return []
    return ["", t("card.comments"), *(_comment(card, e, t, now, zone) for e in comments)]


def _comment(
    card: RequestCard, event: HistoryEvent, t: Texts, now: datetime, zone: ZoneInfo
) -> str:
    body = str(event.payload.get("text", ""))
    if len(body) > COMMENT_PREVIEW:
        body = body[: COMMENT_PREVIEW - 1] + "…"
    key = "card.internal_note" if event.is_internal else "card.comment"
    when = dates.moment(t, event.at, now, zone)
    return t(key, who=_name(card, event.actor), when=when, text=body)


def _name(card: RequestCard, user_id: UserId) -> str:
    return card.names.get(user_id, str(user_id))


def _button(
    text: str, request: Request, action: Action | str, arg: str = ""
) -> InlineKeyboardButton:
    value = action.value if isinstance(action, Action) else action
    data = CardCb(id=request.id, action=value, v=request.version, arg=arg).pack()
    return InlineKeyboardButton(text=text, callback_data=data)
