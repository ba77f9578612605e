"""A menu button is never an answer to a question (a place named «📊 Статистика»), even one
nobody handles yet: conversations register these filters on what they take as typed text."""

from aiogram.filters import Filter

from zavhoz.adapters.telegram.keyboards.menu import ADMIN_ITEMS, EXECUTOR_ITEMS, STAFF_ITEMS
from zavhoz.adapters.telegram.menu_filter import MenuButton

MENU_ITEMS = (*STAFF_ITEMS, *EXECUTOR_ITEMS, *ADMIN_ITEMS)


def not_menu_buttons() -> tuple[Filter, ...]:
    return tuple(~MenuButton(item) for item in MENU_ITEMS)
