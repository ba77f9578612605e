"""Buttons of the actions on a card: choices (assignee, priority) and typed-text conversations."""

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from zavhoz.adapters.telegram.callbacks import Button, CardCb
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.keyboards._build import button, markup
from zavhoz.adapters.telegram.views import words
from zavhoz.application.queries.list_executors import Worker
from zavhoz.domain.catalog import Priority
from zavhoz.domain.request import Request

WORKERS_PER_PAGE = 8
PAGE_ARG = "p"


class AskCb(Button, prefix="a"):
    """A button of a typed-text conversation about request ``id``: stop, done, noreason (skip the
    text), again."""

    op: str
    id: int


def _card(text: str, request: Request, action: str, arg: str = "") -> InlineKeyboardButton:
    return button(text, CardCb(id=request.id, action=action, v=request.version, arg=arg).pack())


def _ask(text: str, op: str, request_id: int) -> InlineKeyboardButton:
    return button(text, AskCb(op=op, id=request_id).pack())


def prompt(
    t: Texts, request_id: int, *, skip: str | None = None, stop: str = "common.cancel"
) -> InlineKeyboardMarkup:
    """Under a question that waits for text: the way out, and on without a text when it may be."""
    way_out = _ask(t(stop), "stop", request_id)
    if skip is None:
        return markup([[way_out]])
    return markup([[_ask(t(skip), "noreason", request_id), way_out]])


def photos(t: Texts, request_id: int) -> InlineKeyboardMarkup:
    return markup([[_ask(t("act.button.done"), "done", request_id), _stop(t, request_id)]])


def again(t: Texts, request_id: int) -> InlineKeyboardMarkup:
    """«✅ Да» after the card changed while the text was typed."""
    return markup([[_ask(t("act.button.yes"), "again", request_id), _stop(t, request_id)]])


def _stop(t: Texts, request_id: int) -> InlineKeyboardButton:
    return _ask(t("common.cancel"), "stop", request_id)


def workers(
    t: Texts, request: Request, action: str, people: Sequence[Worker], page: int
) -> InlineKeyboardMarkup:
    """One person a row with their load, paged; ◀️ ▶️ between pages; «Назад» to the card."""
    pages = max(1, -(-len(people) // WORKERS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = people[page * WORKERS_PER_PAGE : (page + 1) * WORKERS_PER_PAGE]
    rows = [
        [
            _card(
                f"{w.user.name or w.user.id} · {t('act.load', n=w.load)}",
                request,
                action,
                str(w.user.id),
            )
        ]
        for w in shown
    ]
    paging = []
    if page > 0:
        paging.append(_card(t("act.button.earlier"), request, action, f"{PAGE_ARG}{page - 1}"))
    if page < pages - 1:
        paging.append(_card(t("act.button.later"), request, action, f"{PAGE_ARG}{page + 1}"))
    return markup([*rows, paging, [_card(t("common.back"), request, "back")]])


def priorities(t: Texts, request: Request) -> InlineKeyboardMarkup:
    rows = [
        [
            _card(
                t(
                    "act.priority_option",
                    priority=words.priority(t, p),
                    hint=t(f"priority_hint.{p.value}"),
                ),
                request,
                "change_priority",
                p.value,
            )
        ]
        for p in (Priority.HIGH, Priority.MEDIUM, Priority.LOW)
        if p is not request.priority
    ]
    return markup([*rows, [_card(t("common.back"), request, "back")]])
