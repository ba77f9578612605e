"""Showing a screen from a button (edit the message it is on, or send a new one); the clock."""

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from zavhoz.adapters.telegram.rendered import buttons_of, shows
from zavhoz.adapters.telegram.services import Services

log = logging.getLogger("zavhoz.telegram.screen")

Screen = tuple[str, InlineKeyboardMarkup]
"""A screen's text and its buttons."""


def clock_now(services: Services) -> datetime:
    """The core's own clock (the one the queries compare deadlines with; fake in tests)."""
    return services.clock.now()


def display_zone(services: Services) -> ZoneInfo:
    return services.settings.calendar.timezone


def chat_of(query: CallbackQuery) -> int:
    return query.message.chat.id if query.message is not None else query.from_user.id


async def send(
    query: CallbackQuery, bot: Bot, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    await bot.send_message(chat_of(query), text, reply_markup=markup)


async def replace(
    query: CallbackQuery, bot: Bot, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Redraw the button's message; one out of reach (gone, too old, a photo) gets a fresh copy."""
    message = query.message
    if isinstance(message, Message) and message.text is not None:
        if shows(message, text, markup):
            return
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as error:
            if unchanged(error):
                return
            log.info("sending a fresh copy of message %s: %s", message.message_id, error)
    await send(query, bot, text, markup)


async def replace_keyboard(query: CallbackQuery, markup: InlineKeyboardMarkup) -> None:
    """Swap only the buttons (a picker over a list); the text stays."""
    if not isinstance(query.message, Message) or same_buttons(query.message, markup):
        return
    try:
        await query.message.edit_reply_markup(reply_markup=markup)
    except TelegramBadRequest as error:
        if not unchanged(error):
            raise


def same_buttons(message: Message, markup: InlineKeyboardMarkup) -> bool:
    return buttons_of(message.reply_markup) == buttons_of(markup)


def unchanged(error: TelegramBadRequest) -> bool:
    """Telegram refuses an edit that changes nothing: the screen is already right."""
    return "message is not modified" in error.message
