"""Showing a screen from a button: edit the message it is on, or send a new one."""

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from zavhoz.adapters.telegram.services import Services


def clock_now(services: Services) -> datetime:
    """The core's own clock (the one the queries compare deadlines with; fake in tests)."""
    return services.clock.now()


def display_zone(services: Services) -> ZoneInfo:
    return services.settings.calendar.timezone


def chat_of(query: CallbackQuery) -> int:
    return query.message.chat.id if query.message is not None else query.from_user.id


async def replace(
    query: CallbackQuery, bot: Bot, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Redraw the button's message; a message too old to edit gets a fresh copy instead."""
    if isinstance(query.message, Message) and query.message.text is not None:
        try:
            await query.message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as error:
            if "message is not modified" not in error.message:
                raise
        return
    await bot.send_message(chat_of(query), text, reply_markup=markup)


async def send(
    query: CallbackQuery, bot: Bot, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    await bot.send_message(chat_of(query), text, reply_markup=markup)


async def replace_keyboard(query: CallbackQuery, bot: Bot, markup: InlineKeyboardMarkup) -> None:
    """Swap only the buttons (a picker over a list); the text stays."""
    if not isinstance(query.message, Message):
        return
    try:
        await query.message.edit_reply_markup(reply_markup=markup)
    except TelegramBadRequest as error:
        if "message is not modified" not in error.message:
            raise
