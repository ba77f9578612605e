"""A page of a list: loading it (past the end: the last page) and its text."""

from collections.abc import Awaitable, Callable

from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.views.lines import page_count, page_number
from zavhoz.application.paging import Page, PageRequest
from zavhoz.domain.request import Request

PAGE_SIZE = 5

Loader = Callable[[PageRequest], Awaitable[Page[Request]]]


async def load_page(load: Loader, number: int) -> Page[Request]:
    """Page ``number`` (0-based); past the end (the list shrank) shows the last page."""
    page = await load(PageRequest(max(number, 0) * PAGE_SIZE, PAGE_SIZE))
    if not page.items and page.total and page.offset:
        last = (page.total - 1) // PAGE_SIZE
        page = await load(PageRequest(last * PAGE_SIZE, PAGE_SIZE))
    return page


def page_text(head: list[str], lines: list[str], page: Page[Request], t: Texts) -> str:
    """Header, then the entries a blank line apart; the page line only when there are pages."""
    pages = page_count(page)
    if pages > 1:
        head = [*head, t("lists.page", page=page_number(page), pages=pages)]
    return "\n\n".join(["\n".join(head), *lines])
