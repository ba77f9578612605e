"""Who is writing: registers on first contact, picks their language, turns away blocked people."""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update
from aiogram.types import User as TelegramUser

from zavhoz.adapters.telegram.i18n import Translator
from zavhoz.adapters.telegram.services import Services
from zavhoz.application.use_cases.register_user import RegisterUserCommand
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import UserState

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UserMiddleware(BaseMiddleware):
    def __init__(self, services: Services, translator: Translator) -> None:
        self._services = services
        self._translator = translator

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        sender: TelegramUser | None = data.get("event_from_user")
        if sender is None or sender.is_bot:
            return None
        registration = await self._services.register_user(
            RegisterUserCommand(
                user_id=UserId(sender.id),
                name=sender.full_name,
                username=sender.username,
                language=sender.language_code,
            )
        )
        user = registration.user
        data.update(user=user, registration=registration, services=self._services)
        data["t"] = texts = self._translator.for_language(user.language)
        if user.state is UserState.ACTIVE:
            return await handler(event, data)
        await _turn_away(event, data["bot"], texts(f"access.{user.state.value}"))
        return None


async def _turn_away(event: TelegramObject, bot: Bot, text: str) -> None:
    if not isinstance(event, Update):
        return
    if event.callback_query is not None:
        await bot.answer_callback_query(event.callback_query.id, text=text, show_alert=True)
    elif event.message is not None:
        await bot.send_message(event.message.chat.id, text)
