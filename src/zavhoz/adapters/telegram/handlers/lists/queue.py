"""«🛠 Очередь» and «👷 Мои задачи»: active requests, most urgent first, with filters."""

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from zavhoz.adapters.telegram.callbacks import ListCb
from zavhoz.adapters.telegram.handlers._schools import schools_of
from zavhoz.adapters.telegram.handlers._screen import (
    Screen,
    clock_now,
    display_zone,
    replace,
    replace_keyboard,
)
from zavhoz.adapters.telegram.handlers.lists.paging import load_page, page_text
from zavhoz.adapters.telegram.handlers.lists.search import leave_search_state
from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.keyboards.lists.filter_words import filter_summary
from zavhoz.adapters.telegram.keyboards.lists.queue import picker_keyboard, queue_keyboard
from zavhoz.adapters.telegram.keyboards.lists.queue_view import QueueMenuCb, QueueView
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.views.lines import queue_entry
from zavhoz.application.paging import Page, PageRequest
from zavhoz.domain.request import Request
from zavhoz.domain.users import User


async def queue(
    message: Message, user: User, t: Texts, services: Services, state: FSMContext
) -> None:
    await _first_page(message, user, t, services, state, QueueView())


async def tasks(
    message: Message, user: User, t: Texts, services: Services, state: FSMContext
) -> None:
    await _first_page(message, user, t, services, state, QueueView(mine=True, tasks=True))


async def queue_page(
    query: CallbackQuery, callback_data: ListCb, user: User, t: Texts, services: Services, bot: Bot
) -> None:
    view = QueueView.unpack(callback_data.flt)
    text, markup = await _screen(services, user, t, view, callback_data.page)
    await replace(query, bot, text, markup)


async def pick_filter(query: CallbackQuery, callback_data: QueueMenuCb, t: Texts) -> None:
    """A filter button: the list stays, its buttons become the field's choices."""
    view = QueueView.unpack(callback_data.flt)
    await replace_keyboard(query, picker_keyboard(callback_data.what, view, callback_data.page, t))


async def _first_page(
    message: Message, user: User, t: Texts, services: Services, state: FSMContext, view: QueueView
) -> None:
    await leave_search_state(state)
    text, markup = await _screen(services, user, t, view, 0)
    await message.answer(text, reply_markup=markup)


async def _screen(services: Services, user: User, t: Texts, view: QueueView, number: int) -> Screen:
    async def load(window: PageRequest) -> Page[Request]:
        return await services.queue(
            user.id, view.query(), window, mine=view.mine, overdue=view.overdue
        )

    page = await load_page(load, number)
    markup = queue_keyboard(page, view, t)
    title = "lists.tasks.title" if view.tasks else "lists.queue.title"
    head = [t(title, count=Html(t("requests_count", n=page.total)))]
    filters = filter_summary(view, t)
    if filters:
        head.append(t("lists.filter.summary", filters=Html(" · ".join(filters))))
    if not page.items:
        empty = "lists.tasks.empty" if view.tasks else "lists.queue.empty"
        return "\n".join([*head, "", t("lists.filter.nothing" if filters else empty)]), markup
    now, zone = clock_now(services), display_zone(services)
    schools = await schools_of(services, user, page.items)
    lines = [queue_entry(t, request, now, zone, schools) for request in page.items]
    return page_text(head, lines, page, t), markup
