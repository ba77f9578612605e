"""The main menu: a reply keyboard that grows with the person's role.

It depends only on the language and the role: each is built once and shared, so nothing may
change one in place.
"""

import functools

from aiogram.types import KeyboardButton, ReplyKeyboardMarkup

from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.domain.users import User

STAFF_ITEMS = ("new", "my", "help")
EXECUTOR_ITEMS = ("queue", "tasks")
ADMIN_ITEMS = ("stats", "export", "users")
KEPT = 64
"""Menus kept built (languages x roles)."""


def menu_items(user: User) -> list[str]:
    items = list(STAFF_ITEMS)
    if user.is_executor:
        items += EXECUTOR_ITEMS
    if user.is_admin:
        items += ADMIN_ITEMS
    return items


def main_menu(user: User, t: Texts) -> ReplyKeyboardMarkup:
    return _menu(t, tuple(menu_items(user)))


@functools.lru_cache(maxsize=KEPT)
def _menu(t: Texts, items: tuple[str, ...]) -> ReplyKeyboardMarkup:
    labels = [t(f"menu.{item}") for item in items]
    rows = [labels[i : i + 2] for i in range(0, len(labels), 2)]
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=label) for label in row] for row in rows],
        resize_keyboard=True,
        is_persistent=True,
    )
