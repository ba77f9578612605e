"""One update of a person in the wizard: who, where to answer, their draft and FSM data.

The wizard's newest question (``data["prompt"]``) is the only message whose buttons are alive:
asking the next one takes the buttons off the previous, so an old button is rare.

The step lives in the FSM data with the draft (``data["step"]``): an answer and the step it
moves to are one write, made before the next question is sent. The FSM state only routes the
person's messages to the wizard; it is written after the data, so a crash between the two
leaves either the old step's state (the data's step wins) or no wizard yet (nothing typed).
``data["asked"]`` is the step whose question Telegram accepted: a refused question is asked
again when the person comes back.
"""

import logging
from typing import Any

import attrs
from aiogram.exceptions import TelegramAPIError
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
    routed: str | None = None
    """The FSM state, as read and as written since: ``save`` writes it only when it differs."""

    @property
    def editing(self) -> bool:
        """A field picked from «✏️ Изменить» is asked again: its answer returns to the card."""
        return bool(self.data.get("editing"))

    def step(self) -> str | None:
        """The step kept with the draft; none outside the wizard (older drafts: the state's)."""
        routed = STEP_OF.get(self.routed or "")
        kept = self.data.get("step")
        return None if routed is None else kept if kept in STATE_OF else routed

    def unasked(self, step: str) -> bool:
        """``step``'s question was refused by Telegram (or never sent)."""
        return "step" in self.data and self.data.get("asked") != step

    async def save(self) -> None:
        """The draft and the step in one write; then the state that routes to the wizard."""
        self.data |= self.draft.to_data()
        await self.state.set_data(self.data)
        step = self.data.get("step")
        if step in STATE_OF and STATE_OF[step].state != self.routed:
            await self.state.set_state(STATE_OF[step])
            self.routed = STATE_OF[step].state

    async def ask(self, text: str, markup: InlineKeyboardMarkup) -> None:
        """Keep the answer and the step, then send the question (the previous one retired)."""
        await self.retire()
        await self.save()
        sent = await self.bot.send_message(self.chat_id, text, reply_markup=markup)
        self.data["prompt"], self.data["asked"] = sent.message_id, self.data.get("step")
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

    def remember_sent(self, request_id: int, number: int) -> None:
        """The draft became request ``request_id`` (№``number``): its «✅ Отправить» now only
        says so."""
        self.data = {"submitted": {"key": self.draft.key, "id": request_id, "number": number}}

    async def leave(self) -> None:
        """Out of the wizard; only the record of the last sent draft stays (written first)."""
        await self.retire()
        submitted = self.data.get("submitted")
        await self.state.set_data({"submitted": submitted} if submitted else {})
        await self.state.set_state(None)
        self.routed = None

    async def _edit(
        self, message_id: int, text: str | None, markup: InlineKeyboardMarkup | None
    ) -> None:
        """An old message may refuse to change, Telegram may refuse the call: only logged.

        The change is only cosmetic (the answer written in, old buttons taken off): what was
        answered is already kept, and the next question goes on regardless.
        """
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
        except TelegramAPIError as error:
            log.info("could not edit message %s: %s", message_id, error)
