"""«📋 Мои заявки», «🛠 Очередь», «👷 Мои задачи» and search: pages of five, newest or most
urgent first, each line opens its card.

A menu button or command sends a new list; the list's own buttons (◀️ ▶️, filters) redraw it.
"""

from collections.abc import Awaitable, Callable

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.callbacks import ListCb
from zavhoz.adapters.telegram.handlers._screen import (
    clock_now,
    display_zone,
    replace,
    replace_keyboard,
    send,
)
from zavhoz.adapters.telegram.handlers.card import card_screen
from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.keyboards.lists import (
    MY_ACTIVE,
    PAGE_SIZE,
    QueueMenuCb,
    QueueView,
    filter_summary,
    my_keyboard,
    picker_keyboard,
    queue_keyboard,
    search_again_keyboard,
    search_keyboard,
    search_prompt_keyboard,
)
from zavhoz.adapters.telegram.keyboards.menu import ADMIN_ITEMS, EXECUTOR_ITEMS, STAFF_ITEMS
from zavhoz.adapters.telegram.menu_filter import MenuButton
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.views.lines import page_count, page_number, queue_entry, request_line
from zavhoz.application.filters import parse_number, search_words
from zavhoz.application.paging import Page, PageRequest
from zavhoz.domain.request import Request
from zavhoz.domain.users import User

MAX_QUERY = 100
"""A search longer than this is not a search."""

Screen = tuple[str, InlineKeyboardMarkup]
Loader = Callable[[PageRequest], Awaitable[Page[Request]]]


class Search(StatesGroup):
    """Waiting for the number or words to search for."""

    query = State()


# --- «Мои заявки» -------------------------------------------------------------------------


async def my_requests(
    message: Message, user: User, t: Texts, services: Services, state: FSMContext
) -> None:
    await _leave_search(state)
    text, markup = await _my_screen(services, user, t, 0, active_only=False)
    await message.answer(text, reply_markup=markup)


async def my_page(
    query: CallbackQuery, callback_data: ListCb, user: User, t: Texts, services: Services, bot: Bot
) -> None:
    active_only = callback_data.flt == MY_ACTIVE
    text, markup = await _my_screen(services, user, t, callback_data.page, active_only=active_only)
    await replace(query, bot, text, markup)


async def _my_screen(
    services: Services, user: User, t: Texts, number: int, *, active_only: bool
) -> Screen:
    async def load(window: PageRequest) -> Page[Request]:
        return await services.my_requests(user.id, window, active_only=active_only)

    page = await _load(load, number)
    markup = my_keyboard(page, active_only, t)
    if not page.items:
        return t("lists.my.empty_active" if active_only else "lists.my.empty"), markup
    head = [t("lists.my.title", count=Html(t("requests_count", n=page.total)))]
    if active_only:
        head.append(t("lists.my.active_only"))
    lines = [request_line(t, request) for request in page.items]
    return _compose(head, lines, page, t), markup


# --- «Очередь» and «Мои задачи» -----------------------------------------------------------


async def queue(
    message: Message, user: User, t: Texts, services: Services, state: FSMContext
) -> None:
    await _leave_search(state)
    text, markup = await _queue_screen(services, user, t, QueueView(), 0)
    await message.answer(text, reply_markup=markup)


async def tasks(
    message: Message, user: User, t: Texts, services: Services, state: FSMContext
) -> None:
    await _leave_search(state)
    text, markup = await _queue_screen(services, user, t, QueueView(mine=True), 0)
    await message.answer(text, reply_markup=markup)


async def queue_page(
    query: CallbackQuery, callback_data: ListCb, user: User, t: Texts, services: Services, bot: Bot
) -> None:
    view = QueueView.unpack(callback_data.flt)
    text, markup = await _queue_screen(services, user, t, view, callback_data.page)
    await replace(query, bot, text, markup)


async def pick_filter(query: CallbackQuery, callback_data: QueueMenuCb, t: Texts, bot: Bot) -> None:
    view = QueueView.unpack(callback_data.flt)
    markup = picker_keyboard(callback_data.what, view, callback_data.page, t)
    await replace_keyboard(query, bot, markup)


async def _queue_screen(
    services: Services, user: User, t: Texts, view: QueueView, number: int
) -> Screen:
    async def load(window: PageRequest) -> Page[Request]:
        return await services.queue(
            user.id, view.query(), window, mine=view.mine, overdue=view.overdue
        )

    page = await _load(load, number)
    markup = queue_keyboard(page, view, t)
    title = "lists.tasks.title" if view.mine else "lists.queue.title"
    head = [t(title, count=Html(t("requests_count", n=page.total)))]
    filters = filter_summary(view, t)
    if filters:
        head.append(t("lists.filter.summary", filters=Html(" · ".join(filters))))
    if not page.items:
        empty = "lists.tasks.empty" if view.mine else "lists.queue.empty"
        return "\n".join([*head, "", t("lists.filter.nothing" if filters else empty)]), markup
    now, zone = clock_now(services), display_zone(services)
    lines = [queue_entry(t, request, now, zone) for request in page.items]
    return _compose(head, lines, page, t), markup


# --- search -------------------------------------------------------------------------------


async def ask_search(query: CallbackQuery, t: Texts, state: FSMContext, bot: Bot) -> None:
    current = await state.get_state()
    if current != Search.query.state:
        await state.update_data(search_return=current)
    await state.set_state(Search.query)
    await send(query, bot, t("lists.search.ask"), search_prompt_keyboard(t))


async def leave_search(query: CallbackQuery, t: Texts, state: FSMContext, bot: Bot) -> None:
    await _leave_search(state)
    await replace(query, bot, t("lists.search.left"), None)


async def run_search(
    message: Message, user: User, t: Texts, services: Services, state: FSMContext
) -> None:
    text = (message.text or "").strip()
    if len(text) > MAX_QUERY:
        await message.answer(t("lists.search.too_long", limit=MAX_QUERY, actual=len(text)))
        return
    number = parse_number(text)
    if number is None and not search_words(text):
        await message.answer(t("lists.search.ask"), reply_markup=search_prompt_keyboard(t))
        return
    await _leave_search(state)
    if number is not None:
        found = await services.search(user.id, text, PageRequest(0, 1))
        if not found.items:
            await message.answer(
                t("lists.search.no_number", number=number), reply_markup=search_again_keyboard(t)
            )
            return
        card, markup = await card_screen(services, user, t, found.items[0].id)
        await message.answer(card, reply_markup=markup)
        return
    await state.update_data(search=text)
    screen, markup = await _search_screen(services, user, t, text, 0)
    await message.answer(screen, reply_markup=markup)


async def search_page(
    query: CallbackQuery,
    callback_data: ListCb,
    user: User,
    t: Texts,
    services: Services,
    state: FSMContext,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    text = (await state.get_data()).get("search")
    if not isinstance(text, str) or not text:
        callback_answer.text = t("lists.search.expired")
        await replace(query, bot, t("lists.search.expired"), search_again_keyboard(t))
        return
    screen, markup = await _search_screen(services, user, t, text, callback_data.page)
    await replace(query, bot, screen, markup)


async def _search_screen(
    services: Services, user: User, t: Texts, text: str, number: int
) -> Screen:
    async def load(window: PageRequest) -> Page[Request]:
        return await services.search(user.id, text, window)

    page = await _load(load, number)
    if not page.items:
        return t("lists.search.nothing", query=text), search_again_keyboard(t)
    head = [t("lists.search.title", query=text, count=Html(t("lists.search.found", n=page.total)))]
    now, zone = clock_now(services), display_zone(services)
    lines = [queue_entry(t, request, now, zone) for request in page.items]
    return _compose(head, lines, page, t), search_keyboard(page, t)


async def _leave_search(state: FSMContext) -> None:
    """Back to whatever the person was doing before the search (usually nothing)."""
    if await state.get_state() != Search.query.state:
        return
    previous = (await state.get_data()).get("search_return")
    await state.set_state(previous if isinstance(previous, str) else None)


# --- shared -------------------------------------------------------------------------------


async def _load(load: Loader, number: int) -> Page[Request]:
    """Page ``number`` (0-based); past the end (the list shrank) shows the last page."""
    page = await load(PageRequest(max(number, 0) * PAGE_SIZE, PAGE_SIZE))
    if not page.items and page.total and page.offset:
        last = (page.total - 1) // PAGE_SIZE
        page = await load(PageRequest(last * PAGE_SIZE, PAGE_SIZE))
    return page


def _compose(head: list[str], lines: list[str], page: Page[Request], t: Texts) -> str:
    """Header, then the entries a blank line apart; the page line only when there are pages."""
    pages = page_count(page)
    if pages > 1:
        head = [*head, t("lists.page", page=page_number(page), pages=pages)]
    return "\n\n".join(["\n".join(head), *lines])


MENU_ITEMS = (*STAFF_ITEMS, *EXECUTOR_ITEMS, *ADMIN_ITEMS)


def router() -> Router:
    routes = Router(name="lists")
    routes.message.register(my_requests, MenuButton("my"))
    routes.message.register(my_requests, Command("my"))
    routes.message.register(queue, MenuButton("queue"))
    routes.message.register(queue, Command("queue"))
    routes.message.register(tasks, MenuButton("tasks"))
    routes.message.register(
        run_search,
        StateFilter(Search.query),
        F.text,
        ~F.text.startswith("/"),
        *(~MenuButton(item) for item in MENU_ITEMS),
    )
    routes.callback_query.register(my_page, ListCb.filter(F.kind == "my"))
    routes.callback_query.register(queue_page, ListCb.filter(F.kind == "queue"))
    routes.callback_query.register(search_page, ListCb.filter(F.kind == "search"))
    routes.callback_query.register(ask_search, QueueMenuCb.filter(F.what == "find"))
    routes.callback_query.register(leave_search, QueueMenuCb.filter(F.what == "unfind"))
    routes.callback_query.register(
        pick_filter, QueueMenuCb.filter(F.what.in_(set(QueueView.FIELDS)))
    )
    return routes
