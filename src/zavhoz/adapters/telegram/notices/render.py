"""An outbox message as a push: text, buttons and photos, in the recipient's language.

Short, the number first («Заявка №142 …»). Everything people typed (title, location, reason,
report, comment, names) goes through ``t(...)`` parameters, so it is escaped; long texts are cut
with «…» (the whole text is on the card, one tap away), so a push always fits Telegram's limits.

The parameters come from the outbox, written by the core (application/recording.py and the SLA,
digest and user use cases). A typed text missing or of the wrong type is left out rather than
failing the push; a template this code does not know, or one without what it is about (the request,
the person, the SLA level), is refused (``CannotRender``) and parked as a dead letter.
"""

from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

import attrs
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.keyboards.menu import main_menu
from zavhoz.adapters.telegram.notices import keyboards as kb
from zavhoz.adapters.telegram.views import dates, words
from zavhoz.application.messages import OutboxMessage
from zavhoz.domain.attachments import MAX_ATTACHMENTS, AttachmentKind
from zavhoz.domain.catalog import Category, Priority
from zavhoz.domain.events import PayloadValue
from zavhoz.domain.sla import SlaKind, SlaLevel
from zavhoz.domain.users import User

TITLE_LIMIT = 100
LOCATION_LIMIT = 100
NAME_LIMIT = 100
USERNAME_LIMIT = 64
REASON_LIMIT = 500
FEEDBACK_LIMIT = 500
LONG_TEXT_LIMIT = 1500
"""A report or comment in a push; the whole text is on the card and in its history."""

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


class CannotRender(ValueError):
    """The message names a template this code does not know: nothing sensible to send."""


@attrs.frozen
class Notice:
    """What to send: ``photos`` (file ids) as an album first, then ``text`` with ``markup``."""

    text: str
    markup: Markup | None = None
    photos: tuple[str, ...] = ()
    album_caption: str | None = None


def cut(text: str, limit: int) -> str:
    """At most ``limit`` characters, the end marked with «…» when cut (before escaping)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@attrs.frozen
class _Push:
    """One message being rendered: its parameters read safely, the recipient, the words."""

    message: OutboxMessage
    recipient: User
    t: Texts
    now: datetime
    zone: ZoneInfo

    @property
    def params(self) -> Mapping[str, PayloadValue]:
        return self.message.params

    def text(self, key: str, limit: int) -> str:
        value = self.params.get(key)
        return cut(value, limit) if isinstance(value, str) else ""

    def number(self, key: str) -> int | None:
        value = self.params.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def request_id(self) -> int:
        found = self.message.request_id or self.number("request_id")
        if not found:
            raise CannotRender(f"{self.message.template} names no request")
        return found

    @property
    def spoken(self) -> int:
        """The number people say; a message queued before it was recorded knows only the id."""
        return self.number("number") or self.request_id

    @property
    def version(self) -> int:
        return self.number("version") or 0

    @property
    def pushed(self) -> kb.Pushed:
        return kb.Pushed(self.request_id, self.spoken, self.version)

    def priority(self) -> Html:
        raw = self.params.get("priority")
        try:
            return Html(words.priority(self.t, Priority(str(raw))))
        except ValueError:
            return Html("")

    def about(self) -> str:
        """«📍 Каб. 305 · Не закрывается дверь»."""
        return self.t(
            "notices.about",
            location=self.text("location", LOCATION_LIMIT),
            title=self.text("title", TITLE_LIMIT),
        )

    def person(self, who: str) -> str:
        """The name of ``who`` (actor, author, assignee) as it was when the message was written.

        Nothing for a message written before names were recorded, or naming nobody.
        """
        if f"{who}_name" not in self.params:
            return ""
        name, user_id = self.text(f"{who}_name", NAME_LIMIT), self.number(who)
        if name or user_id is None:
            return name
        return self.t("users.nameless", id=user_id)

    def named(self, who: str) -> list[str]:
        """«🛠 Исполнитель: Иван» (``who`` the author or assignee), or nothing when unnamed."""
        name = self.person(who)
        return [self.t(f"notices.{who}", name=name)] if name else []

    def said(self, limit: int) -> list[str]:
        """«💬 Анна: Когда придёте?»: the comment with its writer."""
        text, name = self.text("text", limit), self.person("actor")
        key = "notices.said" if name else "notices.text"
        return [self.t(key, name=name, text=text)] if text else []

    def due(self) -> list[str]:
        """«⏰ Срок: до 14.01, 12:00 (осталось 48 ч)», when the message knows the deadline."""
        moment = _moment(self.text("due", 40))
        if moment is None:
            return []
        when = dates.deadline(self.t, moment, self.now, self.zone)
        return [self.t("notices.deadline", when=Html(when))]

    def files(self) -> list[str]:
        """«📷 3 фото», «📄 1 документ»: what came with the request."""
        counts = Counter(attachment.kind for attachment in self.message.attachments)
        return [
            self.t(f"notices.files.{k.value}", n=counts[k]) for k in AttachmentKind if counts[k]
        ]

    def category(self) -> list[str]:
        try:
            return [words.category(self.t, Category(str(self.params.get("category"))))]
        except ValueError:
            return []

    def detail(self, key: str, param: str, limit: int) -> list[str]:
        """A line for a typed text (reason, report, comment), or none when there is none."""
        value = self.text(param, limit)
        return [self.t(f"notices.{key}", text=value)] if value else []

    def request(
        self, head: str, *details: str, markup: Markup | None = None, **extra: object
    ) -> Notice:
        """The head line with the number, what the request is about, then the details."""
        first = self.t(
            f"notices.head.{head}", number=self.spoken, priority=self.priority(), **extra
        )
        text = "\n".join([first, self.about(), *details])
        return Notice(text, markup or kb.open_only(self.t, self.pushed))


Renderer = Callable[[_Push], Notice]


def _simple(p: _Push) -> Notice:
    return p.request(p.message.template)


def _with_reason(p: _Push) -> Notice:
    return p.request(p.message.template, *p.detail("reason", "reason", REASON_LIMIT))


def _created(p: _Push) -> Notice:
    """What, from whom, with how many photos: enough to decide without opening the card."""
    markup = None
    if p.recipient.is_executor:
        markup = kb.new_request(p.t, p.pushed, admin=p.recipient.is_admin)
    kind = " · ".join([*p.category(), *p.files()])
    lines = [kind] if kind else []
    return p.request("request_created", *lines, *p.named("author"), markup=markup)


def _worked_on(p: _Push) -> Notice:
    """Taken, assigned: the author and watchers hear who works on it now."""
    return p.request(p.message.template, *p.named("assignee"))


def _assigned_to_you(p: _Push) -> Notice:
    """The new assignee: whose request it is and by when it is due."""
    return p.request("request_assigned_to_you", *p.named("author"), *p.due())


def _reassigned(p: _Push) -> Notice:
    previous = p.number("previous")
    head = "request_reassigned_from_you" if previous == p.recipient.id else "request_reassigned"
    return p.request(head, *p.named("assignee"))


def _completed(p: _Push) -> Notice:
    """The author: photos of the work, then the report with ✅ / ↩️ / ★1–5."""
    report = p.detail("report", "report", LONG_TEXT_LIMIT)
    markup = kb.completed(p.t, p.pushed)
    notice = p.request("request_completed", *report, "", p.t("notices.ask_confirm"), markup=markup)
    photos = tuple(a.file_id for a in p.message.attachments if a.kind is AttachmentKind.PHOTO)[
        :MAX_ATTACHMENTS
    ]
    if not photos:
        return notice
    caption = p.t("notices.album", number=p.spoken)
    return attrs.evolve(notice, photos=photos, album_caption=caption)


def _completed_watcher(p: _Push) -> Notice:
    return p.request("request_completed_watcher", *p.detail("report", "report", LONG_TEXT_LIMIT))


def _comment(p: _Push) -> Notice:
    markup = kb.comment(p.t, p.pushed)
    return p.request("comment_added", *p.said(LONG_TEXT_LIMIT), markup=markup)


def _internal_note(p: _Push) -> Notice:
    return p.request("internal_note_added", *p.said(LONG_TEXT_LIMIT))


def _low_rating(p: _Push) -> Notice:
    rating = min(max(p.number("rating") or 0, 0), kb.STARS)
    stars = "★" * rating + "☆" * (kb.STARS - rating)
    feedback = p.detail("feedback", "feedback", FEEDBACK_LIMIT)
    return p.request("low_rating", *feedback, stars=stars)


def _sla_alert(p: _Push) -> Notice:
    """Level and deadline in words; admins may stop the warnings from the warning itself."""
    level, kind = p.text("level", 20), p.text("kind", 20)
    if level not in set(SlaLevel) or kind not in set(SlaKind):
        raise CannotRender(f"sla_alert of level {level!r} and kind {kind!r}")
    first = p.t(f"notices.sla.{level}.{kind}", number=p.spoken)
    lines = [first, p.about()]
    due = _moment(p.text("deadline", 40))
    if due is not None:
        when = dates.deadline(p.t, due, p.now, p.zone)
        lines.append(p.t("notices.deadline", when=Html(when)))
    if level == SlaLevel.WARNING and p.recipient.is_admin:
        markup = kb.with_sla_toggle(p.t, muted=p.recipient.mute_sla_warnings, about=p.pushed)
    else:
        markup = kb.open_only(p.t, p.pushed)
    return Notice("\n".join(lines), markup)


def _registration_pending(p: _Push) -> Notice:
    user_id = p.number("user_id")
    if user_id is None:
        raise CannotRender("registration_pending names no user")
    name = p.text("name", NAME_LIMIT) or p.t("notices.registration.nameless")
    username = p.text("username", USERNAME_LIMIT)
    handle = p.t("notices.registration.username", username=username) if username else ""
    text = p.t("notices.registration.pending", name=name, username=Html(handle), id=user_id)
    return Notice(text, kb.registration(p.t, user_id))


def _registration_approved(p: _Push) -> Notice:
    return Notice(p.t("notices.registration.approved"), main_menu(p.recipient, p.t))


def _registration_declined(p: _Push) -> Notice:
    return Notice(p.t("notices.registration.declined"))


def _role_changed(p: _Push) -> Notice:
    """The role as it is now, with the menu that goes with it."""
    role = words.role(p.t, p.recipient.role)
    return Notice(p.t("notices.role.changed", role=role), main_menu(p.recipient, p.t))


def _user_blocked(p: _Push) -> Notice:
    """Said once, at the moment of blocking; the menu goes with it."""
    return Notice(p.t("notices.access.blocked"), ReplyKeyboardRemove())


def _user_unblocked(p: _Push) -> Notice:
    return Notice(p.t("notices.access.unblocked"), main_menu(p.recipient, p.t))


def _daily_digest(p: _Push) -> Notice:
    figures = {key: p.number(key) or 0 for key in ("new", "overdue", "in_progress", "completed")}
    text = p.t("notices.digest.text", date=_day(p.t, p.text("date", 20)), **figures)
    markup = None
    if p.recipient.is_admin:
        markup = kb.with_sla_toggle(p.t, muted=p.recipient.mute_sla_warnings)
    return Notice(text, markup)


RENDERERS: dict[str, Renderer] = {
    "request_created": _created,
    "request_taken": _worked_on,
    "request_assigned": _worked_on,
    "request_assigned_to_you": _assigned_to_you,
    "request_reassigned": _reassigned,
    "request_on_hold": _with_reason,
    "request_resumed": _simple,
    "request_completed": _completed,
    "request_completed_watcher": _completed_watcher,
    "request_rejected": _with_reason,
    "request_cancelled": _with_reason,
    "request_reopened": _with_reason,
    "comment_added": _comment,
    "internal_note_added": _internal_note,
    "low_rating": _low_rating,
    "sla_alert": _sla_alert,
    "registration_pending": _registration_pending,
    "registration_approved": _registration_approved,
    "registration_declined": _registration_declined,
    "role_changed": _role_changed,
    "user_blocked": _user_blocked,
    "user_unblocked": _user_unblocked,
    "daily_digest": _daily_digest,
}


def render_notice(
    message: OutboxMessage, recipient: User, t: Texts, now: datetime, zone: ZoneInfo
) -> Notice:
    """``t`` in the recipient's language; ``now`` for «осталось 3 ч» of a deadline."""
    renderer = RENDERERS.get(message.template)
    if renderer is None:
        raise CannotRender(f"no template {message.template!r}")
    return renderer(_Push(message, recipient, t, now, zone))


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _day(t: Texts, text: str) -> str:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return text
    return Html(t("date.older", day=day.day, month=day.month, year=day.year))
