"""Ways into the wizard: the menu's «📝 Новая заявка» or /new, and an unfinished draft's choice."""

from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.callbacks import WizardCb
from zavhoz.adapters.telegram.handlers.wizard.flow import begin, offer_draft, show
from zavhoz.adapters.telegram.handlers.wizard.room_link import open_link
from zavhoz.adapters.telegram.handlers.wizard.turn import Turn


async def new(message: Message, turn: Turn) -> None:
    """An unfinished draft is offered first."""
    if turn.step():
        await offer_draft(turn, WizardCb(step="draft", value="new"))
        return
    await begin(turn)


async def on_draft(
    query: CallbackQuery, callback_data: WizardCb, turn: Turn, callback_answer: CallbackAnswer
) -> None:
    """«▶️ Продолжить» the unfinished draft, or drop it and start anew (also for a room)."""
    if callback_data.step == "draft" and callback_data.value == "continue":
        await _resume(turn, callback_answer)
        return
    dropped = turn.step() is not None
    await turn.leave()
    await turn.edit(turn.t("start.draft_dropped") if dropped else None)
    if callback_data.step == "room":
        await open_link(turn, callback_data.value)
    else:
        await begin(turn)


async def _resume(turn: Turn, callback_answer: CallbackAnswer) -> None:
    step = turn.step()
    if step is None:
        callback_answer.text = turn.t("wizard.draft.gone")
        await turn.edit()
        return
    await turn.edit(turn.t("wizard.draft.resumed"))
    await show(turn, step)
