"""What every inline keyboard is made of: a button, rows of a few, and the markup.

Building a button (a validated pydantic model) is most of a keyboard's cost, and the same
buttons come again and again (a list's lines, a card redrawn, the wizard's questions): one
with the same text and data is built once and shared, so nothing may change one in place.
"""

import functools
from collections.abc import Iterable, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

KEPT = 4096
"""Distinct buttons kept built."""


@functools.lru_cache(maxsize=KEPT)
def button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


def rows_of(
    buttons: Sequence[InlineKeyboardButton], per_row: int
) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def markup(rows: Iterable[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    """The rows that have buttons (a row that did not apply is empty and left out)."""
    return InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])
