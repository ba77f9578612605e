"""The ways along and out: «➡️ Оставить как есть», «◀️ Назад», «❌ Отмена»."""

from zavhoz.adapters.telegram.handlers.wizard.flow import advance, back_to_card, go
from zavhoz.adapters.telegram.handlers.wizard.turn import STEPS, Turn
from zavhoz.adapters.telegram.keyboards.menu import main_menu


async def keep(turn: Turn, step: str) -> None:
    await turn.edit()
    await advance(turn, step)


async def back(turn: Turn, step: str) -> None:
    """The previous step; while a field is being changed (or from the card), the card."""
    await turn.edit()
    if turn.editing or step == "confirm":
        await back_to_card(turn)
        return
    await go(turn, STEPS[max(STEPS.index(step) - 1, 0)])


async def cancel(turn: Turn, step: str) -> None:
    await turn.edit()
    await turn.leave()
    await turn.say(turn.t("wizard.cancelled"), main_menu(turn.user, turn.t))
