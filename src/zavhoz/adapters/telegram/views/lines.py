"""One request in a list: «№142 · 🟡 · 🔧 В работе · Каб. 305 · Не закрывается дверь»."""

from datetime import datetime
from zoneinfo import ZoneInfo

from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.views import dates, words
from zavhoz.adapters.telegram.views.numbers import spoken
from zavhoz.application.paging import Page
from zavhoz.domain.catalog import Status
from zavhoz.domain.request import Request


def request_line(t: Texts, request: Request) -> str:
    """The list line; the location and title are escaped."""
    return t(
        "lists.line",
        number=spoken(request),
        mark=Html(words.priority_mark(t, request.priority)),
        status=Html(words.status(t, request.status)),
        location=request.location,
        title=request.title,
    )


def deadline_line(t: Texts, request: Request, now: datetime, zone: ZoneInfo) -> str | None:
    """«⏰ до 27.11, 12:00 (просрочено на 3 ч)» under a queue line; ``None`` when none runs."""
    if request.status is Status.ON_HOLD:
        return t("lists.deadline_paused")
    if request.due_at is None:
        return None
    return t("lists.deadline", when=Html(dates.deadline(t, request.due_at, now, zone)))


def queue_entry(t: Texts, request: Request, now: datetime, zone: ZoneInfo) -> str:
    mark = deadline_line(t, request, now, zone)
    line = request_line(t, request)
    return f"{line}\n{mark}" if mark else line


def page_count(page: Page[Request]) -> int:
    return max(1, -(-page.total // page.limit))


def page_number(page: Page[Request]) -> int:
    """1-based."""
    return page.offset // page.limit + 1
