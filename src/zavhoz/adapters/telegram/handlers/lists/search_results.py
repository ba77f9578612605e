"""Search results: a number opens that card; words list the matching requests, page by page."""

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.callbacks import ListCb
from zavhoz.adapters.telegram.handlers._schools import schools_of
from zavhoz.adapters.telegram.handlers._screen import Screen, clock_now, display_zone, replace
from zavhoz.adapters.telegram.handlers.card import card_screen
from zavhoz.adapters.telegram.handlers.lists.paging import load_page, page_text
from zavhoz.adapters.telegram.handlers.lists.search import leave_search_state
from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.keyboards.lists.search import (
    search_again_keyboard,
    search_keyboard,
    search_prompt_keyboard,
)
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.views.lines import queue_entry
from zavhoz.application.filters import parse_number, search_words
from zavhoz.application.paging import Page, PageRequest
from zavhoz.domain.request import Request
from zavhoz.domain.users import User

MAX_QUERY = 100
"""A search longer than this is not a search."""


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
    await leave_search_state(state)
    if number is not None:
        screen, markup = await _by_number(user, t, services, text, number)
    else:
        await state.update_data(search=text)
        screen, markup = await _screen(services, user, t, text, 0)
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
    screen, markup = await _screen(services, user, t, text, callback_data.page)
    await replace(query, bot, screen, markup)


async def _by_number(user: User, t: Texts, services: Services, text: str, number: int) -> Screen:
    """The request's card, or «Заявки №N нет» (also when the person may not see it)."""
    found = await services.search(user.id, text, PageRequest(0, 1))
    if not found.items:
        return t("lists.search.no_number", number=number), search_again_keyboard(t)
    return await card_screen(services, user, t, found.items[0].id)


async def _screen(services: Services, user: User, t: Texts, text: str, number: int) -> Screen:
    async def load(window: PageRequest) -> Page[Request]:
        return await services.search(user.id, text, window)

    page = await load_page(load, number)
    if not page.items:
        return t("lists.search.nothing", query=text), search_again_keyboard(t)
    head = [t("lists.search.title", query=text, count=Html(t("lists.search.found", n=page.total)))]
    now, zone = clock_now(services), display_zone(services)
    schools = await schools_of(services, user, page.items)
    lines = [queue_entry(t, request, now, zone, schools) for request in page.items]
    return page_text(head, lines, page, t), search_keyboard(page, t)
