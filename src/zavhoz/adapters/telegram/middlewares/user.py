"""Who is writing: registers on first contact, picks their language, turns away blocked people.

An invite link (``/start join_<token>``) passes for a person awaiting approval here: joining is
decided by the organization it invites to. A blocked person stays turned away.

A blocked person was told at the moment of blocking (a push that also took the menu away); what
they send afterwards gets the short refusal at most once per ``quiet`` seconds, never a flood.
A pressed button is always answered: Telegram shows a spinner until it is. An active person's
updates then pass the ``throttling``, in this same frame.
"""

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import ReplyKeyboardRemove, TelegramObject, Update
from aiogram.types import User as TelegramUser

from zavhoz.adapters.telegram.i18n import Translator
from zavhoz.adapters.telegram.middlewares.throttling import Throttle
from zavhoz.adapters.telegram.services import Services
from zavhoz.application.use_cases.register_user import RegisterUserCommand
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import User, UserState

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
QUIET = 3600.0
"""Seconds between two refusals to a blocked person's messages."""


class UserMiddleware(BaseMiddleware):
    """The person as the core knows them now (from its cache: no statement while unchanged)."""

    def __init__(
        self,
        services: Services,
        translator: Translator,
        throttling: Throttle | None = None,
        clock: Callable[[], float] = time.monotonic,
        quiet: float = QUIET,
    ) -> None:
        self._services = services
        self._translator = translator
        self._throttling = throttling or Throttle()
        self._clock, self._quiet = clock, quiet
        self._refused: dict[int, float] = {}
        """Blocked people told lately, with when they may be told again (as many as are blocked)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        sender: TelegramUser | None = data.get("event_from_user")
        if sender is None or sender.is_bot:
            return None
        user = (await self._services.register_user(_registration(sender))).user
        data.update(user=user, services=self._services)
        data["t"] = texts = self._translator.for_language(user.language)
        if user.state is UserState.ACTIVE or _waiting_opens_invite(user, event):
            self._refused.pop(user.id, None)
            if self._throttling.admits(sender.id):
                return await handler(event, data)
            await self._throttling.refuse(event, data, sender.id)
            return None
        await self._turn_away(event, data["bot"], user, texts(f"access.{user.state.value}"))
        return None

    async def _turn_away(self, event: TelegramObject, bot: Bot, user: User, text: str) -> None:
        if not isinstance(event, Update):
            return
        if event.callback_query is not None:
            await bot.answer_callback_query(event.callback_query.id, text=text, show_alert=True)
        elif event.message is not None and self._may_tell(user):
            await bot.send_message(event.message.chat.id, text, reply_markup=ReplyKeyboardRemove())

    def _may_tell(self, user: User) -> bool:
        """People awaiting approval every time; blocked ones once per ``quiet`` seconds."""
        if user.state is not UserState.BLOCKED:
            return True
        now = self._clock()
        if self._refused.get(user.id, now) > now:
            return False
        self._refused[user.id] = now + self._quiet
        return True


JOIN_LINK = "/start join_"


def _waiting_opens_invite(user: User, event: TelegramObject) -> bool:
    """Someone awaiting approval here may still join elsewhere by an invite link."""
    message = event.message if isinstance(event, Update) else None
    invite = message is not None and (message.text or "").startswith(JOIN_LINK)
    return invite and user.state is UserState.PENDING


def _registration(sender: TelegramUser) -> RegisterUserCommand:
    return RegisterUserCommand(
        user_id=UserId(sender.id),
        name=sender.full_name,
        username=sender.username,
        language=sender.language_code,
    )
