"""The queue's buttons: its requests and pages, the filters, search; a filter field's picker."""

import attrs
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from zavhoz.adapters.telegram.callbacks import ListCb
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.keyboards._build import button, markup, rows_of
from zavhoz.adapters.telegram.keyboards.lists.filter_words import field_value
from zavhoz.adapters.telegram.keyboards.lists.pages import open_buttons, paging_row
from zavhoz.adapters.telegram.keyboards.lists.queue_view import CHOICES, QueueMenuCb, QueueView
from zavhoz.application.paging import Page
from zavhoz.domain.request import Request

PICKER_ROW = 2


def queue_keyboard(page: Page[Request], view: QueueView, t: Texts) -> InlineKeyboardMarkup:
    flt = view.pack()
    rows = open_buttons(page.items)
    rows.append(paging_row(page, t, lambda n: ListCb(kind="queue", page=n, flt=flt).pack()))
    pickers = [_picker_button(t, field, view, page) for field in QueueView.FIELDS]
    rows += [pickers[:2], pickers[2:]]
    rows.append(
        [
            _toggle(t, "lists.filter.mine", view.mine, view.toggled_mine()),
            _toggle(
                t,
                "lists.filter.overdue",
                view.overdue,
                attrs.evolve(view, overdue=not view.overdue),
            ),
        ]
    )
    tools = [button(t("lists.search.button"), QueueMenuCb(what="find", flt=flt).pack())]
    if view.narrowed:
        tools.append(button(t("lists.filter.clear"), _queue_data(view.cleared())))
    rows.append(tools)
    return markup(rows)


def picker_keyboard(what: str, view: QueueView, page: int, t: Texts) -> InlineKeyboardMarkup:
    """The choices of filter field ``what``; the current one is ticked."""
    current = getattr(view, what)
    buttons = []
    for value in CHOICES[what].values():
        label = field_value(t, what, value, option=True)
        if value == current:
            label = t("lists.filter.chosen", value=label)
        buttons.append(button(label, _queue_data(view.choosing(what, value))))
    back = ListCb(kind="queue", page=page, flt=view.pack()).pack()
    return markup([*rows_of(buttons, PICKER_ROW), [button(t("common.back"), back)]])


def _picker_button(
    t: Texts, field: str, view: QueueView, page: Page[Request]
) -> InlineKeyboardButton:
    """«Статус: все активные»: opens the field's picker over this page."""
    label = t(f"lists.filter.{field}", value=field_value(t, field, getattr(view, field)))
    number = page.offset // page.limit
    return button(label, QueueMenuCb(what=field, page=number, flt=view.pack()).pack())


def _toggle(t: Texts, key: str, on: bool, pressed: QueueView) -> InlineKeyboardButton:
    mark = t("lists.filter.on") if on else t("lists.filter.off")
    return button(f"{mark} {t(key)}", _queue_data(pressed))


def _queue_data(view: QueueView) -> str:
    return ListCb(kind="queue", page=0, flt=view.pack()).pack()
