"""The request card: everything about one request, and the buttons the viewer may press now.

Every text here stays within Telegram's 4096 visible characters: the card shows the whole
description and as many of the latest comments as fit (the rest are in the history), and the
history is cut into pages of whole entries (``history_pages``).
"""

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.keyboards._build import button
from zavhoz.adapters.telegram.views import dates, words
from zavhoz.adapters.telegram.views.fit import MAX_TEXT, paginate, visible_length
from zavhoz.adapters.telegram.views.numbers import spoken
from zavhoz.application.queries.request_card import RequestCard
from zavhoz.domain.attachments import Attachment
from zavhoz.domain.catalog import Priority, Status
from zavhoz.domain.events import EventKind, HistoryEvent
from zavhoz.domain.ids import UserId
from zavhoz.domain.request import Request
from zavhoz.domain.workflow import Action

LAST_COMMENTS = 3
COMMENT_PREVIEW = 300
NOTE_PREVIEW = 500
"""The reason or report shown on the card; the whole text is in the history."""
HISTORY_PAGE = MAX_TEXT - 200
"""Room for the page line under a page of history."""
IN_PLACE = "."
"""``CardCb.arg`` of "open" that redraws the card in the message the button is on."""

_STATUS_NOTES = {
    Status.ON_HOLD: EventKind.PUT_ON_HOLD,
    Status.COMPLETED: EventKind.COMPLETED,
    Status.REJECTED: EventKind.REJECTED,
    Status.CANCELLED: EventKind.CANCELLED,
}
_WORKED_ON = frozenset({Status.IN_PROGRESS, Status.ON_HOLD})
_REASON_EVENTS = frozenset(
    {EventKind.PUT_ON_HOLD, EventKind.REJECTED, EventKind.CANCELLED, EventKind.REOPENED}
)


def card_text(
    card: RequestCard, t: Texts, now: datetime, zone: ZoneInfo, school: str | None = None
) -> str:
    """``school``: the name of the request's organization, where it is not the viewer's own."""
    lines = _head(card, t, now, zone)
    if school is not None:
        lines.insert(1, t("card.school", name=school))
    head = "\n".join(lines)
    room = MAX_TEXT - visible_length(head)
    for note in (_reopened_note(card, t, now, zone), _status_note(card, t)):
        if note and visible_length(note) + 2 <= room:
            head = f"{head}\n\n{note}"
            room -= visible_length(note) + 2
    return head + _comments(card, t, now, zone, room)


def card_keyboard(
    card: RequestCard, t: Texts, layout: Sequence[Sequence[Action]]
) -> InlineKeyboardMarkup:
    """The buttons of ``layout`` the viewer may press now, the stars, then the card's own."""
    request = card.request
    rows = [
        [_button(t(f"card.button.{a.value}"), request, a) for a in row if a in card.actions]
        for row in layout
    ]
    if Action.RATE in card.actions:
        rows.append([_button("★" * n, request, Action.RATE, str(n)) for n in range(1, 6)])
    extras = [_button(t("card.button.history"), request, "history")]
    if card_files(card):
        extras.insert(0, _button(t("card.button.files"), request, "files"))
    extras.append(_button(t("card.button.refresh"), request, "open", IN_PLACE))
    return InlineKeyboardMarkup(inline_keyboard=[row for row in [*rows, extras] if row])


def history_pages(card: RequestCard, t: Texts, now: datetime, zone: ZoneInfo) -> list[str]:
    """The history in pages of whole entries, each within Telegram's limit."""
    entries = [_entry(card, event, t, now, zone) for event in card.history]
    pages = paginate(t("card.history_title", number=spoken(card.request)), entries, HISTORY_PAGE)
    if len(pages) == 1:
        return pages
    return [
        f"{text}\n\n{t('card.page', page=n, pages=len(pages))}"
        for n, text in enumerate(pages, start=1)
    ]


def history_keyboard(card: RequestCard, page: int, pages: int, t: Texts) -> InlineKeyboardMarkup:
    request = card.request
    paging = []
    if page > 0:
        paging.append(_button(t("card.button.previous"), request, "history", str(page - 1)))
    if page < pages - 1:
        paging.append(_button(t("card.button.next"), request, "history", str(page + 1)))
    back = [_button(t("card.button.back_to_card"), request, "open", IN_PLACE)]
    return InlineKeyboardMarkup(inline_keyboard=[row for row in (paging, back) if row])


def card_files(card: RequestCard) -> list[Attachment]:
    """The request's files and those added by the events this viewer may see, each once."""
    found = {a.file_unique_id: a for a in card.request.attachments}
    for event in card.history:
        for attachment in event.attachments:
            found.setdefault(attachment.file_unique_id, attachment)
    return list(found.values())


def _head(card: RequestCard, t: Texts, now: datetime, zone: ZoneInfo) -> list[str]:
    request = card.request
    lines = [
        t("card.title", number=spoken(request), status=Html(words.status(t, request.status))),
        f"{words.priority(t, request.priority)} · {words.category(t, request.category)}",
        t("card.location", location=request.location),
        t("card.author", name=_name(card, request.author)),
    ]
    if request.assignee is not None:
        lines.append(t("card.assignee", name=_name(card, request.assignee)))
    lines.append(t("card.created", when=dates.moment(t, request.created_at, now, zone)))
    lines += _deadline(request, t, now, zone)
    files = len(card_files(card))
    if files:
        lines.append(t("card.attachments", n=files))
    if request.rating is not None:
        lines.append(t("card.rating", stars="★" * request.rating))
    return [*lines, "", t("card.description", text=request.description)]


def _deadline(request: Request, t: Texts, now: datetime, zone: ZoneInfo) -> list[str]:
    if request.status is Status.ON_HOLD:
        return [t("card.deadline_paused")]
    if request.due_at is None:
        return []
    return [t("card.deadline", when=Html(dates.deadline(t, request.due_at, now, zone)))]


def _reopened_note(card: RequestCard, t: Texts, now: datetime, zone: ZoneInfo) -> str | None:
    """Work again after the author said it was not fixed: when, and what is still wrong."""
    if card.request.status not in _WORKED_ON:
        return None
    latest = next((e for e in reversed(card.history) if e.kind is EventKind.REOPENED), None)
    if latest is None:
        return None
    reason = latest.payload.get("reason")
    text = _preview(reason, NOTE_PREVIEW) if isinstance(reason, str) else ""
    return t("card.note.reopened", when=dates.moment(t, latest.at, now, zone), text=text)


def _status_note(card: RequestCard, t: Texts) -> str | None:
    """Why the request is on hold, rejected or cancelled, or the report of the work done."""
    kind = _STATUS_NOTES.get(card.request.status)
    latest = next((e for e in reversed(card.history) if e.kind is kind), None)
    if latest is None:
        return None
    field = "report" if kind is EventKind.COMPLETED else "reason"
    body = latest.payload.get(field)
    if not isinstance(body, str) or not body:
        return None
    return t(f"card.note.{field}", text=_preview(body, NOTE_PREVIEW))


def _comments(card: RequestCard, t: Texts, now: datetime, zone: ZoneInfo, room: int) -> str:
    """The latest comments that fit in ``room`` characters (newest first to stay)."""
    comments = [e for e in card.history if e.kind is EventKind.COMMENT_ADDED]
    if not comments:
        return ""
    header = t("card.comments")
    more = t("card.more_comments", n=len(comments))
    room -= visible_length(header) + visible_length(more) + 4
    shown: list[str] = []
    for event in reversed(comments[-LAST_COMMENTS:]):
        line = _comment(card, event, t, now, zone)
        cost = visible_length(line) + 1
        if cost > room:
            break
        shown.insert(0, line)
        room -= cost
    lines = [header, *shown]
    if len(shown) < len(comments):
        lines.append(more)
    return "\n\n" + "\n".join(lines)


def _comment(
    card: RequestCard, event: HistoryEvent, t: Texts, now: datetime, zone: ZoneInfo
) -> str:
    body = _preview(str(event.payload.get("text", "")), COMMENT_PREVIEW)
    key = "card.internal_note" if event.is_internal else "card.comment"
    when = dates.moment(t, event.at, now, zone)
    return t(key, who=_name(card, event.actor), when=when, text=body)


def _entry(card: RequestCard, event: HistoryEvent, t: Texts, now: datetime, zone: ZoneInfo) -> str:
    key = "history.internal_note" if event.is_internal else f"history.{event.kind.value}"
    when = dates.moment(t, event.at, now, zone)
    lines = [t(key, when=when, who=_name(card, event.actor))]
    lines += _details(card, event, t)
    if event.attachments:
        lines.append(t("history_detail.files", n=len(event.attachments)))
    return "\n".join(lines)


def _details(card: RequestCard, event: HistoryEvent, t: Texts) -> list[str]:
    payload = event.payload
    text = payload.get("text") or payload.get("report") or payload.get("reason")
    lines = []
    if event.kind is EventKind.COMMENT_ADDED and isinstance(text, str):
        lines.append(t("history_detail.text", text=text))
    elif event.kind is EventKind.COMPLETED and isinstance(text, str):
        lines.append(t("history_detail.report", text=text))
    elif event.kind in _REASON_EVENTS and isinstance(text, str) and text:
        lines.append(t("history_detail.reason", text=text))
    assignee = payload.get("assignee")
    if isinstance(assignee, int) and UserId(assignee) in card.names:
        lines.append(t("history_detail.assignee", name=_name(card, UserId(assignee))))
    priority = _priority(t, payload.get("priority"))
    if event.kind is EventKind.PRIORITY_CHANGED and priority:
        lines.append(t("history_detail.priority", priority=Html(priority)))
    rating = payload.get("rating")
    if isinstance(rating, int) and not isinstance(rating, bool):
        lines.append(t("history_detail.rating", stars="★" * rating))
    feedback = payload.get("feedback")
    if isinstance(feedback, str) and feedback:
        lines.append(t("history_detail.feedback", text=feedback))
    return lines


def _priority(t: Texts, value: object) -> str | None:
    try:
        return words.priority(t, Priority(str(value)))
    except ValueError:
        return None


def _preview(body: str, limit: int) -> str:
    return body if len(body) <= limit else body[: limit - 1] + "…"


def _name(card: RequestCard, user_id: UserId) -> str:
    return card.names.get(user_id, str(user_id))


def _button(
    text: str, request: Request, action: Action | str, arg: str = ""
) -> InlineKeyboardButton:
    value = action.value if isinstance(action, Action) else action
    return button(text, CardCb(id=request.id, action=value, v=request.version, arg=arg).pack())
