"""Inline keyboards of the new-request wizard's steps and its confirmation card.

Every button is a ``WizardCb(step, value)``; ``value`` never holds anything a person typed
(places are sent as their index in the list shown), so the data stays far below 64 bytes.

A keyboard that depends only on the language and a few choices is built once and kept: the
wizard asks the same questions all day. Kept buttons and keyboards are shared, so nothing may
change one in place.
"""

import functools
from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from zavhoz.adapters.telegram.callbacks import WizardCb
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.keyboards._build import button as _button
from zavhoz.adapters.telegram.keyboards._build import markup, rows_of
from zavhoz.adapters.telegram.views import words
from zavhoz.domain.catalog import Category, Priority

PER_ROW = 2
EDITABLE = ("location", "category", "description", "priority", "attachments")
CHOSEN = "✓ "
URGENCIES = (Priority.LOW, Priority.MEDIUM, Priority.HIGH)
"""The priorities in the order the wizard offers them."""
KEPT = 1024
"""Built buttons and keyboards kept (languages x steps x choices, and the places shown)."""

kept = functools.lru_cache(maxsize=KEPT)


@kept
def button(text: str, step: str, value: str = "") -> InlineKeyboardButton:
    return _button(text, WizardCb(step=step, value=value).pack())


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
    keeping = keep(t, "location") if keep_current else []
    return markup([*rows_of(choices, PER_ROW), keeping, navigation(t, "location", back=editing)])


@kept
def category_keyboard(t: Texts, current: str | None) -> InlineKeyboardMarkup:
    choices = [
        button(_mark(words.category(t, c), c.value == current), "cat", c.value) for c in Category
    ]
    return markup([*rows_of(choices, PER_ROW), navigation(t, "category")])


@kept
def priority_keyboard(t: Texts, current: str) -> InlineKeyboardMarkup:
    choices = [
        button(_mark(words.priority(t, p), p.value == current), "pri", p.value) for p in URGENCIES
    ]
    return markup([choices, navigation(t, "priority")])


@kept
def description_keyboard(t: Texts, *, keep_current: bool) -> InlineKeyboardMarkup:
    return markup([keep(t, "description") if keep_current else [], navigation(t, "description")])


@kept
def files_keyboard(t: Texts, count: int, *, editing: bool) -> InlineKeyboardMarkup:
    finish = "done" if count else "skip"
    finishing = [button(t(f"wizard.files.{finish}"), "files", finish)]
    clear = [button(t("wizard.files.clear"), "files", "clear")] if editing and count else []
    return markup([finishing, clear, navigation(t, "attachments")])


def confirm_keyboard(t: Texts, key: str) -> InlineKeyboardMarkup:
    send = button(t("wizard.card.send"), "send", key)
    edit = button(t("wizard.card.edit"), "edit")
    return markup([[send], [edit, button(t("common.cancel"), "cancel", "confirm")]])


@kept
def edit_keyboard(t: Texts) -> InlineKeyboardMarkup:
    fields = [button(t(f"wizard.edit.{field}"), "edit", field) for field in EDITABLE]
    return markup([*rows_of(fields, PER_ROW), [button(t("common.back"), "edit", "card")]])


def draft_choice(t: Texts, restart: WizardCb) -> InlineKeyboardMarkup:
    """An unfinished draft is in the way: continue it, or drop it and start over (``restart``)."""
    resume = button(t("start.continue_draft"), "draft", "continue")
    return markup([[resume], [_button(t("wizard.draft.restart"), restart.pack())]])


def _mark(label: str, chosen: bool) -> str:
    return f"{CHOSEN}{label}" if chosen else label
