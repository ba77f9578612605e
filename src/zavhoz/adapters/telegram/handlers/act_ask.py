"""Typed text for an action on a card: a reason, a report with photos, a comment, and the ways out.

FSM data (``AskText``): ``action``, ``request_id``, ``version`` (of the card the button was on),
then what was typed: ``text`` and, for a report, ``photos`` (plain dicts, JSON-serialisable).
"""

import asyncio
import weakref

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.handlers.act_common import ASKED, end_conversation, replace
from zavhoz.adapters.telegram.handlers.act_submit import Talk, attachment, submit
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.keyboards import actions as kb
from zavhoz.adapters.telegram.keyboards.actions import AskCb
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.states import AskText
from zavhoz.domain import text as rules
from zavhoz.domain.attachments import MAX_ATTACHMENTS, check_count
from zavhoz.domain.errors import ValidationFailed
from zavhoz.domain.users import User
from zavhoz.domain.workflow import Action


async def asking(event: TelegramObject, state: FSMContext) -> bool:
    """The conversation is one of ours (``AskText`` may serve other features too)."""
    return (await state.get_data()).get("action") in ASKED


class Conversation:
    """The handlers; one instance per router, holding each person's lock.

    An album's photos arrive as separate updates at the same moment: each is handled under the
    person's lock and reads the step inside it, so none is lost between reading and writing.
    """

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, user: User) -> asyncio.Lock:
        lock = self._locks.get(user.id)
        if lock is None:
            lock = self._locks[user.id] = asyncio.Lock()
        return lock

    async def on_message(
        self,
        message: Message,
        user: User,
        t: Texts,
        services: Services,
        state: FSMContext,
        bot: Bot,
    ) -> None:
        """Whatever is sent while we wait: the text, a photo of the work, or a hint."""
        async with self._lock(user):
            data, step = await state.get_data(), await state.get_state()
            if data.get("action") not in ASKED:
                await message.answer(t("common.not_understood"))
                return
            talk = Talk(user, t, services, state, bot)
            request_id = data["request_id"]
            if message.photo and data["action"] == Action.COMPLETE:
                await _photo(talk, message, step)
            elif step == AskText.photos.state:
                await talk.say(t("act.photos_please"), kb.photos(t, request_id))
            elif message.text:
                await _text(talk, message.text, data["action"])
            else:
                await talk.say(t("act.text_please"), kb.prompt(t, request_id))

    async def on_button(
        self,
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
        async with self._lock(user):
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


async def _text(talk: Talk, text: str, action: str) -> None:
    if action == Action.COMPLETE:
        await _take_report(talk, text)
        return
    await talk.state.update_data(text=text)
    await submit(talk)


async def _photo(talk: Talk, message: Message, step: str | None) -> None:
    """A photo of the work: counted; before the report, its caption is the report."""
    if not await _keep_photo(talk, message):
        return
    data = await talk.state.get_data()
    if step == AskText.photos.state:
        text = talk.t("act.photo_counted", n=len(data["photos"]), limit=MAX_ATTACHMENTS)
        await talk.say(text, kb.photos(talk.t, data["request_id"]))
    elif message.caption:
        await _take_report(talk, message.caption)
    else:
        await talk.say(talk.t("act.photo_kept"), kb.prompt(talk.t, data["request_id"]))


async def _take_report(talk: Talk, report: str) -> None:
    """Check the report's length now (the core's rule), so the photos are not sent in vain."""
    try:
        rules.REPORT.clean(report)
    except ValidationFailed as error:
        await talk.refuse(error)
        return
    await talk.state.update_data(text=report)
    await talk.state.set_state(AskText.photos)
    data = await talk.state.get_data()
    count = len(data.get("photos", []))
    if count:
        key = "act.photos_ask_kept"
    elif talk.services.settings.require_completion_photo:
        key = "act.photos_ask_required"
    else:
        key = "act.photos_ask"
    text = talk.t(key, n=count, limit=MAX_ATTACHMENTS)
    await talk.say(text, kb.photos(talk.t, data["request_id"]))


async def _keep_photo(talk: Talk, message: Message) -> bool:
    assert message.photo
    largest = message.photo[-1]
    photo = {
        "file_id": largest.file_id,
        "file_unique_id": largest.file_unique_id,
        "size": largest.file_size,
    }
    kept = list((await talk.state.get_data()).get("photos", []))
    try:
        check_count([attachment(p) for p in [*kept, photo]])
    except ValidationFailed as error:
        await talk.refuse(error)
        return False
    await talk.state.update_data(photos=[*kept, photo])
    return True


def register(routes: Router) -> None:
    conversation = Conversation()
    asked = StateFilter(AskText.waiting, AskText.photos)
    routes.message.register(conversation.on_message, asked, asking, ~F.text.startswith("/"))
    routes.callback_query.register(conversation.on_button, AskCb.filter(), asked, asking)
