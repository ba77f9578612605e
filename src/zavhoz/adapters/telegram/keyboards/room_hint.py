"""Buttons of a room's «Уже сообщили?» hint: the same problem as a request there, or a new one."""

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup

from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.keyboards._build import markup
from zavhoz.adapters.telegram.keyboards.wizard import button
from zavhoz.adapters.telegram.views.numbers import spoken
from zavhoz.domain.request import Request


def room_hint_keyboard(t: Texts, requests: Sequence[Request], code: str) -> InlineKeyboardMarkup:
    same = [[button(t("wizard.room.same", number=spoken(r)), "same", str(r.id))] for r in requests]
    return markup([*same, [button(t("wizard.room.new"), "newat", code)]])
