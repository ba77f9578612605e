"""Buttons of the lists: open a request, ◀️ ▶️ paging, the queue's filters and search.

The queue's filter travels in ``ListCb.flt`` as five characters (``QueueView.pack``):
status, priority, category, "assigned to me", overdue.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import ClassVar

import attrs
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from zavhoz.adapters.telegram.callbacks import CardCb, ListCb
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.views import words
from zavhoz.adapters.telegram.views.fit import short
from zavhoz.application.filters import QueueFilter
from zavhoz.application.paging import Page
from zavhoz.domain.catalog import ACTIVE_STATUSES, Category, Priority, Status
from zavhoz.domain.request import Request

PAGE_SIZE = 5
MY_ACTIVE = "a"
"""``ListCb.flt`` of «Мои заявки» showing only active requests (empty: all of them)."""

_STATUSES: dict[str, Status | None] = {
    "a": None,
    "o": Status.OPEN,
    "p": Status.IN_PROGRESS,
    "h": Status.ON_HOLD,
}
_PRIORITIES: dict[str, Priority | None] = {
    "a": None,
    "l": Priority.LOW,
    "m": Priority.MEDIUM,
    "h": Priority.HIGH,
}
_CATEGORIES: dict[str, Category | None] = {
    "0": None,
    **{str(n): c for n, c in enumerate(Category, start=1)},
}


_DEFAULT = "aa000"


def _code(table: Mapping[str, object], value: object) -> str:
    return next(code for code, known in table.items() if known == value)


class QueueMenuCb(CallbackData, prefix="lq"):
    """A queue screen's extra: ``what`` is status, priority or category (a picker), find or
    unfind (start or leave search)."""

    what: str
    page: int = 0
    flt: str = ""


@attrs.frozen
class QueueView:
    """What the queue shows: ``status`` ``None`` means every active status."""

    status: Status | None = None
    priority: Priority | None = None
    category: Category | None = None
    mine: bool = False
    overdue: bool = False

    FIELDS: ClassVar[tuple[str, ...]] = ("status", "priority", "category")

    def pack(self) -> str:
        return "".join(
            (
                _code(_STATUSES, self.status),
                _code(_PRIORITIES, self.priority),
                _code(_CATEGORIES, self.category),
                "1" if self.mine else "0",
                "1" if self.overdue else "0",
            )
        )

    @classmethod
    def unpack(cls, flt: str) -> "QueueView":
        """Anything unknown (an old or forged button) falls back to "everything"."""
        code = (flt + _DEFAULT[len(flt) :])[: len(_DEFAULT)]
        return cls(
            status=_STATUSES.get(code[0]),
            priority=_PRIORITIES.get(code[1]),
            category=_CATEGORIES.get(code[2]),
            mine=code[3] == "1",
            overdue=code[4] == "1",
        )

    def query(self) -> QueueFilter:
        statuses = ACTIVE_STATUSES if self.status is None else frozenset({self.status})
        return QueueFilter(statuses=statuses, priority=self.priority, category=self.category)

    @property
    def narrowed(self) -> bool:
        """Anything beyond "every active request" (or "all of mine")."""
        return self != QueueView(mine=self.mine)

    def cleared(self) -> "QueueView":
        return QueueView(mine=self.mine)


# --- buttons ------------------------------------------------------------------------------


def open_buttons(requests: Iterable[Request]) -> list[list[InlineKeyboardButton]]:
    """One button a request: «№142 · Не закрывается дверь»."""
    return [
        [
            InlineKeyboardButton(
                text=short(f"№{r.id} · {r.title}"),
                callback_data=CardCb(id=r.id, action="open", v=r.version).pack(),
            )
        ]
        for r in requests
    ]


def paging_row(
    page: Page[Request], t: Texts, data: Callable[[int], str]
) -> list[InlineKeyboardButton]:
    """◀️ and ▶️, each only when there is a page that way; ``data(n)`` packs page ``n``."""
    number = page.offset // page.limit
    row = []
    if page.has_previous:
        row.append(_button(t("lists.previous"), data(number - 1)))
    if page.has_next:
        row.append(_button(t("lists.next"), data(number + 1)))
    return row


def my_keyboard(page: Page[Request], active_only: bool, t: Texts) -> InlineKeyboardMarkup:
    flt = MY_ACTIVE if active_only else ""
    rows = open_buttons(page.items)
    rows.append(paging_row(page, t, lambda n: ListCb(kind="my", page=n, flt=flt).pack()))
    if active_only or page.total:
        toggle = "" if active_only else MY_ACTIVE
        label = t("lists.my.show_all") if active_only else t("lists.my.show_active")
        rows.append([_button(label, ListCb(kind="my", page=0, flt=toggle).pack())])
    return _markup(rows)


def queue_keyboard(page: Page[Request], view: QueueView, t: Texts) -> InlineKeyboardMarkup:
    flt = view.pack()
    number = page.offset // page.limit
    rows = open_buttons(page.items)
    rows.append(paging_row(page, t, lambda n: ListCb(kind="queue", page=n, flt=flt).pack()))
    rows.append(
        [
            _button(
                t("lists.filter.status", value=_status_name(t, view.status)),
                QueueMenuCb(what="status", page=number, flt=flt).pack(),
            ),
            _button(
                t("lists.filter.priority", value=_priority_name(t, view.priority)),
                QueueMenuCb(what="priority", page=number, flt=flt).pack(),
            ),
        ]
    )
    rows.append(
        [
            _button(
                t("lists.filter.category", value=_category_name(t, view.category)),
                QueueMenuCb(what="category", page=number, flt=flt).pack(),
            )
        ]
    )
    rows.append(
        [
            _toggle(t, "lists.filter.mine", view.mine, attrs.evolve(view, mine=not view.mine)),
            _toggle(
                t,
                "lists.filter.overdue",
                view.overdue,
                attrs.evolve(view, overdue=not view.overdue),
            ),
        ]
    )
    tools = [_button(t("lists.search.button"), QueueMenuCb(what="find", flt=flt).pack())]
    if view.narrowed:
        tools.append(_button(t("lists.filter.clear"), _queue_data(view.cleared())))
    rows.append(tools)
    return _markup(rows)


def picker_keyboard(what: str, view: QueueView, page: int, t: Texts) -> InlineKeyboardMarkup:
    """The choices of one filter field; the current one is ticked."""
    options: list[tuple[str, QueueView, bool]]
    if what == "status":
        options = [
            (_status_name(t, s, option=True), attrs.evolve(view, status=s), s == view.status)
            for s in _STATUSES.values()
        ]
    elif what == "priority":
        options = [
            (_priority_name(t, p, option=True), attrs.evolve(view, priority=p), p == view.priority)
            for p in _PRIORITIES.values()
        ]
    else:
        options = [
            (_category_name(t, c, option=True), attrs.evolve(view, category=c), c == view.category)
            for c in _CATEGORIES.values()
        ]
    buttons = [
        _button(t("lists.filter.chosen", value=label) if chosen else label, _queue_data(choice))
        for label, choice, chosen in options
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    back = ListCb(kind="queue", page=page, flt=view.pack()).pack()
    rows.append([_button(t("common.back"), back)])
    return _markup(rows)


def search_keyboard(page: Page[Request], t: Texts) -> InlineKeyboardMarkup:
    rows = open_buttons(page.items)
    rows.append(paging_row(page, t, lambda n: ListCb(kind="search", page=n).pack()))
    rows.append([_button(t("lists.search.again"), QueueMenuCb(what="find").pack())])
    return _markup(rows)


def search_prompt_keyboard(t: Texts) -> InlineKeyboardMarkup:
    return _markup([[_button(t("common.cancel"), QueueMenuCb(what="unfind").pack())]])


def search_again_keyboard(t: Texts) -> InlineKeyboardMarkup:
    return _markup([[_button(t("lists.search.again"), QueueMenuCb(what="find").pack())]])


def filter_summary(view: QueueView, t: Texts) -> list[str]:
    """The active filters in words, for the queue's header."""
    parts = []
    if view.status is not None:
        parts.append(words.status(t, view.status))
    if view.priority is not None:
        parts.append(words.priority(t, view.priority))
    if view.category is not None:
        parts.append(words.category(t, view.category))
    if view.overdue:
        parts.append(t("lists.filter.overdue_word"))
    return parts


# --- internals ----------------------------------------------------------------------------


def _status_name(t: Texts, status: Status | None, option: bool = False) -> str:
    if status is None:
        return t("lists.filter.option_all_active" if option else "lists.filter.all_active")
    return words.status(t, status)


def _priority_name(t: Texts, priority: Priority | None, option: bool = False) -> str:
    if priority is None:
        return t("lists.filter.option_any" if option else "lists.filter.any")
    return words.priority(t, priority)


def _category_name(t: Texts, category: Category | None, option: bool = False) -> str:
    if category is None:
        return t("lists.filter.option_any" if option else "lists.filter.any")
    return words.category(t, category)


def _toggle(t: Texts, key: str, on: bool, pressed: QueueView) -> InlineKeyboardButton:
    mark = t("lists.filter.on") if on else t("lists.filter.off")
    return _button(f"{mark} {t(key)}", _queue_data(pressed))


def _queue_data(view: QueueView) -> str:
    return ListCb(kind="queue", page=0, flt=view.pack()).pack()


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


def _markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])
