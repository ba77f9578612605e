"""What every inline keyboard is made of: a button, rows of a few, and the markup."""

from collections.abc import Iterable, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup


def button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


def rows_of(
    buttons: Sequence[InlineKeyboardButton], per_row: int
) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def markup(rows: Iterable[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    """The rows that have buttons (a row that did not apply is empty and left out)."""
    return InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])
