"""While a reason, report or comment is awaited: what is sent, and the conversation's buttons."""

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.handlers._screen import replace
from zavhoz.adapters.telegram.handlers.actions.conversation import end_conversation
from zavhoz.adapters.telegram.handlers.actions.report import take_photo, take_report
from zavhoz.adapters.telegram.handlers.actions.submit import submit
from zavhoz.adapters.telegram.handlers.actions.talk import Talk
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.keyboards import actions as kb
from zavhoz.adapters.telegram.keyboards.actions import AskCb
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.states import AskText
from zavhoz.domain.users import User
from zavhoz.domain.workflow import Action


async def on_message(
    message: Message, user: User, t: Texts, services: Services, state: FSMContext, bot: Bot
) -> None:
    """The text, a photo of the work, or a hint of what is awaited."""
    data, step = await state.get_data(), await state.get_state()
    talk = Talk(user, t, services, state, bot)
    if message.photo and data["action"] == Action.COMPLETE:
        await take_photo(talk, message, step)
    elif step == AskText.photos.state:
        await talk.say(t("act.photos_please"), kb.photos(t, data["request_id"]))
    elif not message.text:
        await talk.say(t("act.text_please"), kb.prompt(t, data["request_id"]))
    elif data["action"] == Action.COMPLETE:
        await take_report(talk, message.text)
    else:
        await state.update_data(text=message.text)
        await submit(talk)


async def on_button(
    query: CallbackQuery,
    callback_data: AskCb,
    user: User,
    t: Texts,
    services: Services,
    state: FSMContext,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    """«❌ Отмена», «✅ Готово», «Без причины», and «✅ Да» after a change while typing."""
    data, step = await state.get_data(), await state.get_state()
    valid = {
        "stop": True,
        "again": "text" in data,
        "done": step == AskText.photos.state,
        "noreason": step == AskText.waiting.state and data.get("action") == Action.CANCEL,
    }
    if data.get("request_id") != callback_data.id or not valid.get(callback_data.op):
        callback_answer.text = t("common.stale_button")
        return
    if callback_data.op == "stop":
        await end_conversation(state)
        await replace(query, bot, t("common.cancelled"), None)
        return
    if callback_data.op == "noreason":
        await state.update_data(text="")
    await submit(Talk(user, t, services, state, bot, callback_answer))
