"""Search: «🔍 Поиск» asks for a number or words; a menu button or «❌ Отмена» leaves it.

While the question waits, the person's previous state is kept in ``search_return``.
"""

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery

from zavhoz.adapters.telegram.handlers._screen import replace, send
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.keyboards.lists.search import search_prompt_keyboard


class Search(StatesGroup):
    """Waiting for the number or words to search for."""

    query = State()


async def ask_search(query: CallbackQuery, t: Texts, state: FSMContext, bot: Bot) -> None:
    current = await state.get_state()
    if current != Search.query.state:
        await state.update_data(search_return=current)
    await state.set_state(Search.query)
    await send(query, bot, t("lists.search.ask"), search_prompt_keyboard(t))


async def leave_search(query: CallbackQuery, t: Texts, state: FSMContext, bot: Bot) -> None:
    await leave_search_state(state)
    await replace(query, bot, t("lists.search.left"), None)


async def leave_search_state(state: FSMContext) -> None:
    """Back to whatever the person was doing before the search (usually nothing)."""
    if await state.get_state() != Search.query.state:
        return
    previous = (await state.get_data()).get("search_return")
    await state.set_state(previous if isinstance(previous, str) else None)
