"""The bot's command list (setMyCommands) per language and per role.

Everyone sees the staff commands (the default scope); executors and admins get their own list,
with /queue, in the scope of their private chat. Each list is set once without a language code
(the default locale, for any Telegram language) and once for every other shipped language.
"""

import logging
from collections.abc import Awaitable, Iterable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from zavhoz.adapters.telegram.i18n import Texts, Translator, default_translator
from zavhoz.domain.users import User

log = logging.getLogger("zavhoz.telegram")

STAFF_COMMANDS = ("start", "new", "my", "help", "cancel")
EXECUTOR_COMMANDS = ("start", "new", "my", "queue", "help", "cancel")


def commands(t: Texts, names: Iterable[str]) -> list[BotCommand]:
    return [BotCommand(command=name, description=t(f"commands.{name}")) for name in names]


def _variants(translator: Translator, default: Texts) -> list[tuple[str | None, Texts]]:
    """``(None, default)`` first, then ``(language, texts)`` for every other language."""
    others = [(t.language, t) for t in translator.all() if t.language != default.language]
    return [(None, default), *others]


async def set_commands(
    bot: Bot, translator: Translator, admins_and_executors: Iterable[int]
) -> None:
    """Staff commands for everyone; the executors' list in each executor's and admin's chat."""
    default = translator.for_language(translator.default)
    for language, t in _variants(translator, default):
        await bot.set_my_commands(
            commands(t, STAFF_COMMANDS), scope=BotCommandScopeDefault(), language_code=language
        )
    for chat_id in admins_and_executors:
        await _set_chat(bot, translator, default, chat_id)


async def update_chat_commands(
    bot: Bot, person: User, translator: Translator | None = None
) -> None:
    """After a role change: the executors' list for executors and admins, the default for staff."""
    translator = translator or default_translator()
    if person.is_active and person.is_executor:
        await _set_chat(bot, translator, translator.for_language(person.language), person.id)
        return
    default = translator.for_language(translator.default)
    for language, _ in _variants(translator, default):
        await _quietly(
            bot.delete_my_commands(
                scope=BotCommandScopeChat(chat_id=person.id), language_code=language
            ),
            person.id,
        )


async def _set_chat(bot: Bot, translator: Translator, default: Texts, chat_id: int) -> None:
    scope = BotCommandScopeChat(chat_id=chat_id)
    for language, t in _variants(translator, default):
        listed = commands(t, EXECUTOR_COMMANDS)
        if not await _quietly(
            bot.set_my_commands(listed, scope=scope, language_code=language), chat_id
        ):
            return


async def _quietly(call: Awaitable[bool], chat_id: int) -> bool:
    """A chat Telegram does not know yet (an admin who never wrote) must not stop anything."""
    try:
        await call
    except TelegramAPIError as error:
        log.warning("could not set the commands of chat %s: %s", chat_id, error)
        return False
    return True
