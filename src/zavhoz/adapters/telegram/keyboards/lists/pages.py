"""Buttons under a page of requests: one a request, ◀️ ▶️, and «Мои заявки»'s all/active switch."""

from collections.abc import Callable, Iterable

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from zavhoz.adapters.telegram.callbacks import CardCb, ListCb
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.keyboards._build import button, markup
from zavhoz.adapters.telegram.views.fit import short
from zavhoz.adapters.telegram.views.numbers import spoken
from zavhoz.application.paging import Page
from zavhoz.domain.request import Request

MY_ACTIVE = "a"
"""``ListCb.flt`` of «Мои заявки» showing only active requests (empty: all of them)."""


def open_buttons(requests: Iterable[Request]) -> list[list[InlineKeyboardButton]]:
    """One button a request: «№142 · Не закрывается дверь»."""
    return [[_open_button(r)] for r in requests]


def _open_button(request: Request) -> InlineKeyboardButton:
    """Shows the number people say; the button carries the id."""
    data = CardCb(id=request.id, action="open", v=request.version).pack()
    return button(short(f"№{spoken(request)} · {request.title}"), data)


def paging_row(
    page: Page[Request], t: Texts, data: Callable[[int], str]
) -> list[InlineKeyboardButton]:
    """◀️ and ▶️, each only when there is a page that way; ``data(n)`` packs page ``n``."""
    number = page.offset // page.limit
    row = []
    if page.has_previous:
        row.append(button(t("lists.previous"), data(number - 1)))
    if page.has_next:
        row.append(button(t("lists.next"), data(number + 1)))
    return row


def my_keyboard(page: Page[Request], active_only: bool, t: Texts) -> InlineKeyboardMarkup:
    flt = MY_ACTIVE if active_only else ""
    rows = open_buttons(page.items)
    rows.append(paging_row(page, t, lambda n: ListCb(kind="my", page=n, flt=flt).pack()))
    if active_only or page.total:
        toggle = "" if active_only else MY_ACTIVE
        label = t("lists.my.show_all") if active_only else t("lists.my.show_active")
        rows.append([button(label, ListCb(kind="my", page=0, flt=toggle).pack())])
    return markup(rows)
