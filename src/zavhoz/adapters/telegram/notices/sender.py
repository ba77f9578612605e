"""``TelegramNotifier``: the ``Notifier`` port over aiogram's Bot.

A completed request's photos go first as an album (an album cannot carry buttons), then the text
with its buttons. What Telegram answers becomes the port's errors (``delivery_error``); the
delivery worker decides what follows (wait, back off, mark unreachable, drop, park as dead).

Sending is at least once: when the text fails after the album went out, the retry sends the
album again.
"""

import logging
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import aiohttp
from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    AiogramError,
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import InputMediaPhoto, LinkPreviewOptions

from zavhoz.adapters.telegram.i18n import Translator
from zavhoz.adapters.telegram.notices.render import CannotRender, Notice, render_notice
from zavhoz.application.delivery import (
    DeliveryFailed,
    RecipientBlocked,
    RecipientUnknown,
    RetryLater,
    TemporaryFailure,
)
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.ports import Clock
from zavhoz.domain.users import User

log = logging.getLogger("zavhoz.telegram.notices")

ALBUM = 10
"""Telegram's most photos in one album."""
_UNKNOWN_CHAT = ("chat not found", "user not found", "peer_id_invalid")
_TRANSIENT = (
    TelegramServerError,
    TelegramNetworkError,
    TelegramUnauthorizedError,
    ClientDecodeError,
    TimeoutError,
    aiohttp.ClientError,
    OSError,
)
"""Telegram or the way to it is unwell (a revoked token too: the operator fixes it, nothing is
lost meanwhile); the same message may well go through later."""
_FAILURES = (AiogramError, TimeoutError, aiohttp.ClientError, OSError)
"""What sending may raise; anything else is a bug and is not disguised as a delivery failure."""


class TelegramNotifier:
    """Renders each message in the recipient's language and sends it to their private chat.

    ``clock`` gives "now" for a deadline's «осталось 3 ч»; without one, the moment the message
    was written is used.
    """

    def __init__(
        self, bot: Bot, translator: Translator, zone: ZoneInfo, clock: Clock | None = None
    ) -> None:
        self._bot = bot
        self._translator = translator
        self._zone = zone
        self._clock = clock

    async def send(self, message: OutboxMessage, recipient: User) -> None:
        t = self._translator.for_language(recipient.language)
        now = self._clock.now() if self._clock is not None else message.created_at
        try:
            notice = render_notice(message, recipient, t, now, self._zone)
        except CannotRender as error:
            raise DeliveryFailed(str(error)) from error
        try:
            await self._deliver(recipient.id, notice)
        except _FAILURES as error:
            raise delivery_error(error) from error

    async def _deliver(self, chat_id: int, notice: Notice) -> None:
        if notice.photos:
            await self._album(chat_id, notice.photos, notice.album_caption)
        await self._bot.send_message(
            chat_id,
            notice.text,
            parse_mode=ParseMode.HTML,
            reply_markup=notice.markup,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )

    async def _album(self, chat_id: int, photos: Sequence[str], caption: str | None) -> None:
        """The photos (ten an album); photos Telegram refuses do not hold back the text."""
        try:
            for start in range(0, len(photos), ALBUM):
                await self._photos(chat_id, photos[start : start + ALBUM], caption)
                caption = None
        except TelegramBadRequest as error:
            if isinstance(delivery_error(error), RecipientUnknown):
                raise
            log.warning("photos for chat %s not sent, the text goes alone: %s", chat_id, error)

    async def _photos(self, chat_id: int, photos: Sequence[str], caption: str | None) -> None:
        if len(photos) == 1:
            await self._bot.send_photo(
                chat_id, photos[0], caption=caption, parse_mode=ParseMode.HTML
            )
            return
        await self._bot.send_media_group(
            chat_id,
            [
                InputMediaPhoto(
                    media=file_id, caption=caption if n == 0 else None, parse_mode=ParseMode.HTML
                )
                for n, file_id in enumerate(photos)
            ],
        )


def delivery_error(error: BaseException) -> DeliveryFailed:
    """aiogram's (and the network's) errors as the ``Notifier`` port's."""
    if isinstance(error, TelegramRetryAfter):
        return RetryLater(error.retry_after)
    if isinstance(error, TelegramForbiddenError):
        return RecipientBlocked(error.message)
    if isinstance(error, TelegramBadRequest | TelegramNotFound) and _unknown_chat(error.message):
        return RecipientUnknown(error.message)
    if isinstance(error, TelegramEntityTooLarge):
        return DeliveryFailed(error.message)
    if isinstance(error, _TRANSIENT):
        return TemporaryFailure(_reason(error))
    if isinstance(error, TelegramAPIError):
        return DeliveryFailed(error.message)
    return DeliveryFailed(_reason(error))


def _unknown_chat(description: str) -> bool:
    text = description.lower()
    return any(marker in text for marker in _UNKNOWN_CHAT)


def _reason(error: BaseException) -> str:
    detail = getattr(error, "message", None) or str(error)
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__
