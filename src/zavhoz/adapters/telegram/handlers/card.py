"""The request card: open it, page through its history, get its files.

Buttons in a list open the card as a new message (the list stays to pick the next one);
buttons on the card itself (🔄, 📜, ◀️ ▶️, back) redraw the card's own message. Acting on the
request (take, hold, rate, ...) is handlers/actions/.
"""

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, InputMediaPhoto
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.handlers._screen import (
    Screen,
    chat_of,
    clock_now,
    display_zone,
    replace,
    send,
)
from zavhoz.adapters.telegram.handlers.actions.shown import render_card
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.views.card import (
    IN_PLACE,
    card_files,
    history_keyboard,
    history_pages,
)
from zavhoz.adapters.telegram.views.numbers import spoken
from zavhoz.domain.attachments import AttachmentKind
from zavhoz.domain.ids import RequestId
from zavhoz.domain.users import User

ALBUM = 10
"""Telegram's most photos in one album."""


async def card_screen(services: Services, user: User, t: Texts, request_id: RequestId) -> Screen:
    """The card as ``user`` may see it now."""
    return await render_card(await services.card(user.id, request_id), t, services, user)


async def open_card(
    query: CallbackQuery, callback_data: CardCb, user: User, t: Texts, services: Services, bot: Bot
) -> None:
    text, markup = await card_screen(services, user, t, RequestId(callback_data.id))
    if callback_data.arg == IN_PLACE:
        await replace(query, bot, text, markup)
    else:
        await send(query, bot, text, markup)


async def show_history(
    query: CallbackQuery, callback_data: CardCb, user: User, t: Texts, services: Services, bot: Bot
) -> None:
    card = await services.card(user.id, RequestId(callback_data.id))
    pages = history_pages(card, t, clock_now(services), display_zone(services))
    page = min(max(_number(callback_data.arg), 0), len(pages) - 1)
    await replace(query, bot, pages[page], history_keyboard(card, page, len(pages), t))


async def send_files(
    query: CallbackQuery,
    callback_data: CardCb,
    user: User,
    t: Texts,
    services: Services,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    card = await services.card(user.id, RequestId(callback_data.id))
    files = card_files(card)
    if not files:
        callback_answer.text = t("card.no_files")
        return
    chat, caption = chat_of(query), t("card.files_caption", number=spoken(card.request))
    photos = [f.file_id for f in files if f.kind is AttachmentKind.PHOTO]
    for start in range(0, len(photos), ALBUM):
        album = photos[start : start + ALBUM]
        if len(album) == 1:
            await bot.send_photo(chat, album[0], caption=caption)
            continue
        await bot.send_media_group(
            chat,
            [
                InputMediaPhoto(media=file_id, caption=caption if n == 0 else None)
                for n, file_id in enumerate(album)
            ],
        )
    for document in (f for f in files if f.kind is AttachmentKind.DOCUMENT):
        await bot.send_document(chat, document.file_id, caption=caption)


def _number(text: str) -> int:
    return int(text) if text.isascii() and text.isdigit() else 0


def router() -> Router:
    routes = Router(name="card")
    routes.callback_query.register(open_card, CardCb.filter(F.action == "open"))
    routes.callback_query.register(show_history, CardCb.filter(F.action == "history"))
    routes.callback_query.register(send_files, CardCb.filter(F.action == "files"))
    return routes
