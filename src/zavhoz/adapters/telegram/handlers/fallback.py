"""Whatever no other handler took: a hint, never silence; an old button is answered too."""

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.keyboards.menu import main_menu
from zavhoz.domain.users import User


async def not_understood(message: Message, user: User, t: Texts) -> None:
    key = "common.not_understood" if message.text else "common.unsupported"
    await message.answer(t(key), reply_markup=main_menu(user, t))


async def stale_button(query: CallbackQuery, t: Texts, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = t("common.stale_button")


def router() -> Router:
    routes = Router(name="fallback")
    routes.message.register(not_understood)
    routes.callback_query.register(stale_button)
    return routes
