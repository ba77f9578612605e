"""Moving through the steps: a fresh draft, the next step, back to the card, asking a question."""

from zavhoz.adapters.telegram.callbacks import WizardCb
from zavhoz.adapters.telegram.handlers.wizard.questions import QUESTIONS, Question
from zavhoz.adapters.telegram.handlers.wizard.turn import STEPS, Turn
from zavhoz.adapters.telegram.keyboards.wizard import draft_choice
from zavhoz.domain.rooms import Room


async def begin(turn: Turn, room: Room | None = None) -> None:
    """A fresh draft; with a room (its QR code), straight to the category."""
    turn.fresh_draft()
    if room is None:
        await go(turn, "location")
        return
    turn.draft.location, turn.draft.room_code = room.name, room.code
    await go(turn, "category", turn.t("wizard.location.chosen", value=room.name))


async def offer_draft(turn: Turn, restart: WizardCb) -> None:
    """An unfinished draft is in the way: continue it, or drop it and ``restart``."""
    await turn.say(turn.t("start.draft_left"), draft_choice(turn.t, restart))


async def go(turn: Turn, step: str, note: str | None = None) -> None:
    """Move to ``step`` and ask for it (the move is kept with the answer before asking)."""
    turn.data["step"] = step
    await show(turn, step, note)


async def advance(turn: Turn, step: str, note: str | None = None) -> None:
    """The step after ``step``; back to the card when a field was picked to be changed."""
    if turn.editing:
        await back_to_card(turn, note)
        return
    await go(turn, STEPS[STEPS.index(step) + 1], note)


async def back_to_card(turn: Turn, note: str | None = None) -> None:
    turn.data["editing"] = False
    await go(turn, "confirm", note)


async def show(turn: Turn, step: str, note: str | None = None) -> None:
    """Ask ``step``'s question again (``note`` first: what went wrong, what was kept)."""
    await turn.ask(*await question(turn, step, note))


async def question(turn: Turn, step: str, note: str | None = None) -> Question:
    """``step``'s question with ``note`` above it."""
    text, markup = await QUESTIONS[step](turn)
    return (f"{note}\n\n{text}" if note else text), markup
