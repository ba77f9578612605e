"""«📋 Мои заявки»: the person's own requests, newest first; all of them or only the active."""

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from zavhoz.adapters.telegram.callbacks import ListCb
from zavhoz.adapters.telegram.handlers._schools import schools_of
from zavhoz.adapters.telegram.handlers._screen import Screen, replace
from zavhoz.adapters.telegram.handlers.lists.paging import load_page, page_text
from zavhoz.adapters.telegram.handlers.lists.search import leave_search_state
from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.keyboards.lists.pages import MY_ACTIVE, my_keyboard
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.views.lines import request_line
from zavhoz.application.paging import Page, PageRequest
from zavhoz.domain.request import Request
from zavhoz.domain.users import User


async def my_requests(
    message: Message, user: User, t: Texts, services: Services, state: FSMContext
) -> None:
    await leave_search_state(state)
    text, markup = await _screen(services, user, t, 0, active_only=False)
    await message.answer(text, reply_markup=markup)


async def my_page(
    query: CallbackQuery, callback_data: ListCb, user: User, t: Texts, services: Services, bot: Bot
) -> None:
    active_only = callback_data.flt == MY_ACTIVE
    text, markup = await _screen(services, user, t, callback_data.page, active_only=active_only)
    await replace(query, bot, text, markup)


async def _screen(
    services: Services, user: User, t: Texts, number: int, *, active_only: bool
) -> Screen:
    async def load(window: PageRequest) -> Page[Request]:
        return await services.my_requests(user.id, window, active_only=active_only)

    page = await load_page(load, number)
    markup = my_keyboard(page, active_only, t)
    if not page.items:
        return t("lists.my.empty_active" if active_only else "lists.my.empty"), markup
    head = [t("lists.my.title", count=Html(t("requests_count", n=page.total)))]
    if active_only:
        head.append(t("lists.my.active_only"))
    schools = await schools_of(services, user, page.items)
    lines = [request_line(t, request, schools) for request in page.items]
    return page_text(head, lines, page, t), markup
