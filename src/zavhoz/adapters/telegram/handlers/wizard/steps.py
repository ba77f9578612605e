"""What people send or press while in the wizard, handed to the step it belongs to."""

from collections.abc import Awaitable, Callable

from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.callbacks import WizardCb
from zavhoz.adapters.telegram.handlers.wizard import choices, confirm, files, navigation
from zavhoz.adapters.telegram.handlers.wizard.description import description_typed
from zavhoz.adapters.telegram.handlers.wizard.flow import show
from zavhoz.adapters.telegram.handlers.wizard.location import location_typed, place_chosen
from zavhoz.adapters.telegram.handlers.wizard.turn import Turn
from zavhoz.adapters.telegram.keyboards.menu import main_menu

TYPED: dict[str, Callable[[Turn, Message], Awaitable[None]]] = {
    "location": location_typed,
    "category": choices.category_typed,
    "description": description_typed,
    "priority": choices.priority_typed,
    "attachments": files.files_typed,
    "confirm": confirm.confirm_typed,
}
BUTTONS: dict[str, Callable[[Turn, str], Awaitable[None]]] = {
    "loc": place_chosen,
    "cat": choices.category_chosen,
    "pri": choices.priority_chosen,
    "files": files.files_button,
    "edit": confirm.edit_button,
    "keep": navigation.keep,
    "back": navigation.back,
    "cancel": navigation.cancel,
}
BUTTON_STEPS = {
    "loc": "location",
    "cat": "category",
    "pri": "priority",
    "files": "attachments",
    "edit": "confirm",
}
"""The step each button belongs to; keep, back and cancel carry their step as the value."""


async def on_message(message: Message, turn: Turn) -> None:
    step = turn.step()
    if step is None:
        await turn.say(turn.t("common.not_understood"), main_menu(turn.user, turn.t))
        return
    await TYPED[step](turn, message)


async def on_button(
    query: CallbackQuery, callback_data: WizardCb, turn: Turn, callback_answer: CallbackAnswer
) -> None:
    """A button of the current step's question; cancelling works from any step's message.

    An earlier step's button, pressed because Telegram refused the question that followed it,
    asks that question again.
    """
    step = turn.step()
    expected = BUTTON_STEPS.get(callback_data.step, callback_data.value)
    if step is None or (callback_data.step != "cancel" and step != expected):
        await _stale(turn, step, callback_answer)
        return
    await BUTTONS[callback_data.step](turn, callback_data.value)


async def _stale(turn: Turn, step: str | None, callback_answer: CallbackAnswer) -> None:
    if step is not None and turn.unasked(step):
        await turn.edit()
        await show(turn, step)
        return
    callback_answer.text = turn.t("common.stale_button")
