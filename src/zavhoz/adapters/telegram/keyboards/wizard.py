"""Inline keyboards of the new-request wizard and of a room's "Уже сообщили?" hint.

Every button is a ``WizardCb(step, value)``; ``value`` never holds anything a person typed
(places are sent as their index in the list shown), so the data stays far below 64 bytes.
"""

from collections.abc import Iterable, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from zavhoz.adapters.telegram.callbacks import WizardCb
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.views import words
from zavhoz.domain.catalog import Category, Priority
from zavhoz.domain.request import Request

PER_ROW = 2
EDITABLE = ("location", "category", "description", "priority", "attachments")
CHOSEN = "✓ "


def button(text: str, step: str, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=WizardCb(step=step, value=value).pack())


def _rows(
    buttons: Sequence[InlineKeyboardButton], per_row: int = PER_ROW
) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def _markup(rows: Iterable[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])


def navigation(t: Texts, step: str, *, back: bool = True) -> list[InlineKeyboardButton]:
    """«◀️ Назад» (to the previous step, or to the card while editing) and «❌ Отмена»."""
    row = [button(t("common.back"), "back", step)] if back else []
    return [*row, button(t("common.cancel"), "cancel", step)]


def keep(t: Texts, step: str) -> list[InlineKeyboardButton]:
    return [button(t("wizard.keep"), "keep", step)]


def location_keyboard(
    t: Texts, places: Sequence[str], *, keep_current: bool, editing: bool
) -> InlineKeyboardMarkup:
    choices = [button(place, "loc", str(i)) for i, place in enumerate(places)]
    return _markup(
        [
            *_rows(choices),
            keep(t, "location") if keep_current else [],
            navigation(t, "location", back=editing),
        ]
    )


def category_keyboard(t: Texts, current: str | None) -> InlineKeyboardMarkup:
    choices = [
        button(_mark(words.category(t, c), c.value == current), "cat", c.value) for c in Category
    ]
    return _markup([*_rows(choices), navigation(t, "category")])


def priority_keyboard(t: Texts, current: str) -> InlineKeyboardMarkup:
    choices = [
        button(_mark(words.priority(t, p), p.value == current), "pri", p.value)
        for p in (Priority.LOW, Priority.MEDIUM, Priority.HIGH)
    ]
    return _markup([choices, navigation(t, "priority")])


def description_keyboard(t: Texts, *, keep_current: bool) -> InlineKeyboardMarkup:
    return _markup([keep(t, "description") if keep_current else [], navigation(t, "description")])


def files_keyboard(t: Texts, count: int, *, editing: bool) -> InlineKeyboardMarkup:
    finish = (
        button(t("wizard.files.done"), "files", "done")
        if count
        else button(t("wizard.files.skip"), "files", "skip")
    )
    clear = [button(t("wizard.files.clear"), "files", "clear")] if editing and count else []
    return _markup([[finish], clear, navigation(t, "attachments")])


def confirm_keyboard(t: Texts, key: str) -> InlineKeyboardMarkup:
    return _markup(
        [
            [button(t("wizard.card.send"), "send", key)],
            [
                button(t("wizard.card.edit"), "edit"),
                button(t("common.cancel"), "cancel", "confirm"),
            ],
        ]
    )


def edit_keyboard(t: Texts) -> InlineKeyboardMarkup:
    fields = [button(t(f"wizard.edit.{field}"), "edit", field) for field in EDITABLE]
    return _markup([*_rows(fields), [button(t("common.back"), "edit", "card")]])


def draft_choice(t: Texts, restart: WizardCb) -> InlineKeyboardMarkup:
    """An unfinished draft is in the way: continue it, or drop it and start over."""
    return _markup(
        [
            [button(t("start.continue_draft"), "draft", "continue")],
            [InlineKeyboardButton(text=t("wizard.draft.restart"), callback_data=restart.pack())],
        ]
    )


def room_hint_keyboard(t: Texts, requests: Sequence[Request], code: str) -> InlineKeyboardMarkup:
    same = [[button(t("wizard.room.same", number=r.id), "same", str(r.id))] for r in requests]
    return _markup([*same, [button(t("wizard.room.new"), "newat", code)]])


def _mark(label: str, chosen: bool) -> str:
    return f"{CHOSEN}{label}" if chosen else label
