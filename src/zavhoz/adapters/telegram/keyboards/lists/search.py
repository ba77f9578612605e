"""Buttons of search: the results' pages, «🔍 Новый поиск», and the way out of the question."""

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from zavhoz.adapters.telegram.callbacks import ListCb
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.keyboards._build import button, markup
from zavhoz.adapters.telegram.keyboards.lists.pages import open_buttons, paging_row
from zavhoz.adapters.telegram.keyboards.lists.queue_view import QueueMenuCb
from zavhoz.application.paging import Page
from zavhoz.domain.request import Request


def search_keyboard(page: Page[Request], t: Texts) -> InlineKeyboardMarkup:
    rows = open_buttons(page.items)
    rows.append(paging_row(page, t, lambda n: ListCb(kind="search", page=n).pack()))
    rows.append([_search_again(t)])
    return markup(rows)


def search_prompt_keyboard(t: Texts) -> InlineKeyboardMarkup:
    return markup([[button(t("common.cancel"), QueueMenuCb(what="unfind").pack())]])


def search_again_keyboard(t: Texts) -> InlineKeyboardMarkup:
    return markup([[_search_again(t)]])


def _search_again(t: Texts) -> InlineKeyboardButton:
    return button(t("lists.search.again"), QueueMenuCb(what="find").pack())
