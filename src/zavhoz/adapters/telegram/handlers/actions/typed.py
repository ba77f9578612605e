"""While a text is awaited: what is sent, the conversation's buttons, and acting on the text.

A status change typed for a card that changed since waits for a «Да» first (the text is kept);
a text the core refuses for good (the request closed meanwhile) is given back, never lost.
"""

from typing import Any

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.handlers._scene import Scene
from zavhoz.adapters.telegram.handlers.actions.conversation import end
from zavhoz.adapters.telegram.handlers.actions.report import (
    kept_photos,
    step_of,
    take_photo,
    take_report,
)
from zavhoz.adapters.telegram.handlers.actions.shown import render_card
from zavhoz.adapters.telegram.handlers.actions.table import ROWS, Ask, Given, Row
from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.keyboards import actions as kb
from zavhoz.adapters.telegram.keyboards.actions import AskCb
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.states import AskText
from zavhoz.adapters.telegram.views.numbers import spoken
from zavhoz.domain.errors import ChangedMeanwhile, DomainError, ValidationFailed
from zavhoz.domain.ids import RequestId
from zavhoz.domain.users import User


async def on_message(
    message: Message,
    user: User,
    t: Texts,
    services: Services,
    state: FSMContext,
    bot: Bot,
    conversation: dict[str, Any],
    raw_state: str | None,
) -> None:
    """The text, a photo of the work, or a hint of what is awaited."""
    data, step = conversation, step_of(conversation, raw_state)
    scene = Scene(user=user, t=t, services=services, state=state, bot=bot, chat_id=message.chat.id)
    row = ROWS[data["action"]]
    if message.photo and row.asks is Ask.REPORT:
        await take_photo(scene, row, message, step)
    elif step == AskText.photos.state:
        await scene.say(t("act.photos_please"), kb.photos(t, data["request_id"]))
    elif not message.text:
        prompt = kb.prompt(t, data["request_id"], skip=row.skip, stop=row.stop)
        await scene.say(t("act.text_please"), prompt)
    elif row.asks is Ask.REPORT:
        await take_report(scene, row, message.text)
    else:
        await state.update_data(text=message.text)
        await submit(scene)


async def on_button(
    query: CallbackQuery, callback_data: AskCb, callback_answer: CallbackAnswer, **data: Any
) -> None:
    """«❌ Отмена», «✅ Готово», «Без причины» / «Пропустить», and «✅ Да» after a change."""
    scene = Scene.of_button(query, callback_answer, data)
    if not await _alive(scene, callback_data):
        callback_answer.text = scene.t("common.stale_button")
        return
    if callback_data.op == "stop":
        await end(scene.state)
        await scene.show(scene.t("common.cancelled"))
        return
    if callback_data.op == "noreason":
        await scene.state.update_data(text="")
    await submit(scene)


async def _alive(scene: Scene, pressed: AskCb) -> bool:
    """The button belongs to the conversation going on, at the step it is at."""
    data = await scene.state.get_data()
    step = step_of(data, await scene.state.get_state())
    valid = {
        "stop": True,
        "again": "text" in data,
        "done": step == AskText.photos.state,
        "noreason": step == AskText.waiting.state and ROWS[data["action"]].skip is not None,
    }
    return data.get("request_id") == pressed.id and valid.get(pressed.op, False)


async def submit(scene: Scene) -> None:
    """Act with what was typed; too short or too long keeps the conversation going."""
    data = await scene.state.get_data()
    row, request_id = ROWS[data["action"]], RequestId(data["request_id"])
    given = Given(
        actor=scene.user.id,
        request_id=request_id,
        number=int(data.get("number") or request_id),
        text=str(data.get("text") or ""),
        photos=tuple(kept_photos(data)),
        stars=int(data.get("stars") or 0),
        seen=data["version"] if row.guarded else None,
    )
    try:
        await row.run(scene.services, given)
    except ChangedMeanwhile:
        await _changed(scene, row, given)
        return
    except ValidationFailed as error:
        await scene.refuse(error)
        return
    except DomainError as error:
        await _not_done(scene, error, given.text)
        return
    await end(scene.state)
    await scene.say(_done(scene.t, row, given))
    await _send_card(scene, request_id)


async def _changed(scene: Scene, row: Row, given: Given) -> None:
    """Show the card as it is now and ask «Да» again; the text stays (or comes back, refused)."""
    request_id = given.request_id
    t, card = scene.t, await scene.services.card(scene.user.id, request_id)
    refusal = card.refusal(row.action)
    if refusal is not None:
        await _not_done(scene, refusal, given.text)
        return
    await scene.state.update_data(version=card.request.version)
    number = spoken(card.request)
    await scene.say(t("act.stale_typed", number=number))
    await scene.say(*await render_card(card, t, scene.services, scene.user))
    verb = Html(t(f"act.verb.{row.action}", number=number))
    await scene.say(t("act.again", verb=verb), kb.again(t, request_id))


async def _not_done(scene: Scene, error: DomainError, text: str) -> None:
    """The core refused for good: why, and the text given back so it is not lost."""
    await end(scene.state)
    await scene.refuse(error)
    if text.strip():
        await scene.say(scene.t("act.not_sent", text=text))


async def _send_card(scene: Scene, request_id: RequestId) -> None:
    card = await scene.services.card(scene.user.id, request_id)
    await scene.say(*await render_card(card, scene.t, scene.services, scene.user))


def _done(t: Texts, row: Row, given: Given) -> str:
    """The confirmation, with the text as the core stored it (normalised)."""
    done = row.done(t, given)
    if given.photos:
        done += "\n" + t("act.complete_photos", n=len(given.photos))
    return done
