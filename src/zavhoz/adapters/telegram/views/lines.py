"""One request in a list: «№142 · 🟡 · 🔧 В работе · Каб. 305 · Не закрывается дверь»."""

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.views import dates, words
from zavhoz.adapters.telegram.views.numbers import spoken
from zavhoz.application.paging import Page
from zavhoz.domain.catalog import Status
from zavhoz.domain.ids import OrgId
from zavhoz.domain.request import Request

NO_SCHOOLS: Mapping[OrgId, str] = {}


def request_line(t: Texts, request: Request, schools: Mapping[OrgId, str] = NO_SCHOOLS) -> str:
    """The list line, with the school's name when ``schools`` names it; text is escaped."""
    school = schools.get(request.organization)
    return t(
        "lists.line" if school is None else "lists.line_school",
        number=spoken(request),
        school=school,
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


def queue_entry(
    t: Texts,
    request: Request,
    now: datetime,
    zone: ZoneInfo,
    schools: Mapping[OrgId, str] = NO_SCHOOLS,
) -> str:
    mark = deadline_line(t, request, now, zone)
    line = request_line(t, request, schools)
    return f"{line}\n{mark}" if mark else line


def page_count(page: Page[Request]) -> int:
    return max(1, -(-page.total // page.limit))


def page_number(page: Page[Request]) -> int:
    """1-based."""
    return page.offset // page.limit + 1
