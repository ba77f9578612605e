"""The confirmation card: «✏️ Изменить» a field, «✅ Отправить» (one request per draft)."""

from collections.abc import Mapping

from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.callbacks import WizardCb
from zavhoz.adapters.telegram.handlers.wizard.files import is_file
from zavhoz.adapters.telegram.handlers.wizard.flow import back_to_card, go, show
from zavhoz.adapters.telegram.handlers.wizard.turn import Turn
from zavhoz.adapters.telegram.i18n import Html
from zavhoz.adapters.telegram.keyboards import wizard as kb
from zavhoz.adapters.telegram.keyboards.menu import main_menu
from zavhoz.adapters.telegram.views.numbers import spoken
from zavhoz.application.use_cases.create_request import CreateRequestCommand
from zavhoz.domain.catalog import Category, Priority
from zavhoz.domain.ids import RoomCode
from zavhoz.domain.request import Request
from zavhoz.domain.sla import SLA_TERMS


async def confirm_typed(turn: Turn, message: Message) -> None:
    known = message.text is not None or is_file(message)
    await show(turn, "confirm", turn.t("wizard.card.hint" if known else "wizard.unsupported"))


async def edit_button(turn: Turn, value: str) -> None:
    """«✏️ Изменить» turns the card's buttons into the fields; a field is asked again."""
    t = turn.t
    if value == "":
        await turn.edit(markup=kb.edit_keyboard(t))
    elif value == "card":
        await turn.edit(markup=kb.confirm_keyboard(t, turn.draft.key))
    elif value in kb.EDITABLE:
        await turn.edit()
        turn.data["editing"] = True
        await go(turn, value)
    else:
        await show(turn, "confirm", t("common.stale_button"))


async def send(
    query: CallbackQuery, callback_data: WizardCb, turn: Turn, callback_answer: CallbackAnswer
) -> None:
    """«✅ Отправить»: however often it is pressed, one request per draft."""
    submitted = turn.data.get("submitted") or {}
    step = turn.step()
    if submitted.get("key") == callback_data.value:
        callback_answer.text = turn.t("wizard.sent.already", number=_sent_number(submitted))
    elif step is None or turn.draft.key != callback_data.value:
        await _stale(turn, step, callback_answer)
    elif (missing := _missing(turn)) is not None:
        await _ask_missing(turn, missing, callback_answer)
    elif step == "confirm":
        await _submit(turn)
    else:
        callback_answer.text = turn.t("wizard.sent.check")
        await back_to_card(turn)


def _sent_number(submitted: Mapping[str, object]) -> object:
    """A draft sent before numbers were remembered knows only its request's id."""
    return submitted.get("number") or submitted.get("id")


REQUIRED = ("location", "category", "description")
"""The fields a request cannot be sent without, in the order they are asked."""


def _missing(turn: Turn) -> str | None:
    return next((field for field in REQUIRED if not getattr(turn.draft, field)), None)


async def _ask_missing(turn: Turn, field: str, callback_answer: CallbackAnswer) -> None:
    """Back to the field the draft lacks, named; its answer returns to the card."""
    named = turn.t(f"wizard.sent.missing.{field}")
    callback_answer.text = named
    await turn.edit()
    turn.data["editing"] = True
    await go(turn, field, named)


async def _stale(turn: Turn, step: str | None, callback_answer: CallbackAnswer) -> None:
    """An old card: what to do now (the draft going on is asked again, or start a new one)."""
    if step is None:
        callback_answer.text = turn.t("wizard.sent.stale", new=turn.t("menu.new"))
        return
    callback_answer.text = turn.t("wizard.sent.stale_current")
    await show(turn, step)


async def _submit(turn: Turn) -> None:
    draft = turn.draft
    location, category, description = draft.location, draft.category, draft.description
    if not (location and category and description):  # ``_missing`` let only a complete one in
        return
    request = await turn.services.create_request(
        CreateRequestCommand(
            author_id=turn.user.id,
            location=location,
            category=Category(category),
            description=description,
            priority=Priority(draft.priority),
            attachments=draft.files(),
            room_code=RoomCode(draft.room_code) if draft.room_code else None,
            idempotency_key=draft.key,
        )
    )
    await turn.retire()
    turn.remember_sent(int(request.id), spoken(request))
    await turn.leave()
    await turn.say(_accepted(turn, request), main_menu(turn.user, turn.t))
    await turn.edit()  # after: a refused acceptance leaves «Отправить» to say «уже отправлена»


def _accepted(turn: Turn, request: Request) -> str:
    """«Заявка №142 принята. Возьмём в работу в течение 8 рабочих часов.»"""
    t = turn.t
    hours = int(SLA_TERMS[request.priority].respond.total_seconds() // 3600)
    key = "wizard.sent.hours_always" if turn.services.settings.calendar.always_on else "hours"
    return t(
        "wizard.sent.accepted",
        number=spoken(request),
        hours=Html(t(key, n=hours)),
        my=Html(t("menu.my")),
    )
