"""One update of a person in the wizard: who, where to answer, their draft and FSM data.

The wizard's newest question (``data["prompt"]``) is the only message whose buttons are alive:
asking the next one takes the buttons off the previous, so an old button is rare.
"""

import logging
from typing import Any

import attrs
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup

from zavhoz.adapters.telegram.handlers._scene import Scene
from zavhoz.adapters.telegram.states import NewRequest
from zavhoz.adapters.telegram.views.draft import Draft

log = logging.getLogger("zavhoz.telegram.wizard")

STEPS = ("location", "category", "description", "priority", "attachments", "confirm")
STATE_OF = {step: getattr(NewRequest, step) for step in STEPS}
STEP_OF = {state.state: step for step, state in STATE_OF.items()}

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup


@attrs.define(kw_only=True)
class Turn(Scene):
    """The wizard's scene: the person's draft and FSM data besides who and where."""

    data: dict[str, Any]
    draft: Draft
    pressed: int | None = None
    """The message whose button was pressed (``edit`` changes it)."""

    @property
    def editing(self) -> bool:
        """A field picked from «✏️ Изменить» is asked again: its answer returns to the card."""
        return bool(self.data.get("editing"))

    async def step(self) -> str | None:
        return STEP_OF.get(await self.state.get_state() or "")

    async def save(self) -> None:
        self.data |= self.draft.to_data()
        await self.state.set_data(self.data)

    async def ask(self, text: str, markup: InlineKeyboardMarkup) -> None:
        """Send the wizard's question with its buttons, retiring the previous one; save."""
        await self.retire()
        sent = await self.bot.send_message(self.chat_id, text, reply_markup=markup)
        self.data["prompt"] = sent.message_id
        await self.save()

    async def edit(
        self, text: str | None = None, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        """Change the pressed message: its text, or (no ``text``) only its buttons."""
        if self.pressed is not None:
            await self._edit(self.pressed, text, markup)

    async def retire(self) -> None:
        """Take the buttons off the previous question (a pressed one is edited by its handler)."""
        prompt = self.data.pop("prompt", None)
        if isinstance(prompt, int) and prompt != self.pressed:
            await self._edit(prompt, None, None)

    def fresh_draft(self) -> None:
        """A new draft with a new idempotency key; only the last sent one and the question stay."""
        self.draft = Draft()
        self.data = {k: v for k, v in self.data.items() if k in ("submitted", "prompt") and v}

    def remember_sent(self, request_id: int) -> None:
        """The draft became request ``request_id``: its «✅ Отправить» now only says so."""
        self.data = {"submitted": {"key": self.draft.key, "id": request_id}}

    async def leave(self) -> None:
        """Out of the wizard; only the record of the last sent draft stays."""
        await self.retire()
        await self.state.clear()
        if self.data.get("submitted"):
            await self.state.set_data({"submitted": self.data["submitted"]})

    async def _edit(
        self, message_id: int, text: str | None, markup: InlineKeyboardMarkup | None
    ) -> None:
        """An old message may refuse to change; that is only logged."""
        chat_id = self.chat_id
        try:
            if text is None:
                await self.bot.edit_message_reply_markup(
                    chat_id=chat_id, message_id=message_id, reply_markup=markup
                )
            else:
                await self.bot.edit_message_text(
                    text, chat_id=chat_id, message_id=message_id, reply_markup=markup
                )
        except TelegramBadRequest as error:
            log.info("could not edit message %s: %s", message_id, error)
