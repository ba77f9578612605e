"""Fake people who write to the bot: each action is a real ``Update`` fed to the real dispatcher."""

import itertools
import time
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import (
    Chat,
    Document,
    PhotoSize,
    Sticker,
    TelegramObject,
    Update,
    User,
    Voice,
)

from zavhoz.adapters.telegram import rendered
from zavhoz.adapters.telegram.testing.session import (
    BOT,
    RecordingSession,
    Shown,
    TelegramRuleBroken,
)

_BOT = BOT.model_dump(exclude_none=True)


class World:
    """The bot, its dispatcher and everyone who talks to it in a test."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, session: RecordingSession) -> None:
        self.dispatcher, self.bot, self.session = dispatcher, bot, session
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)

    def person(
        self, user_id: int, name: str = "Анна", language: str = "ru", username: str | None = None
    ) -> "Person":
        return Person(
            self,
            User(
                id=user_id, is_bot=False, first_name=name, language_code=language, username=username
            ),
        )

    async def feed(self, **content: TelegramObject | dict[str, Any]) -> None:
        """An update as Telegram delivers one: data, parsed once with the bot mounted."""
        raw = {kind: _raw(value) for kind, value in content.items()}
        update = Update.model_validate(
            {"update_id": next(self._update_ids), **raw}, context={"bot": self.bot}
        )
        await self.dispatcher.feed_update(self.bot, update)

    def next_message_id(self) -> int:
        return next(self._message_ids)

    def next_callback_id(self) -> str:
        return f"cb{next(self._callback_ids)}"

    def check_rules(self) -> None:
        if self.session.violations:
            raise TelegramRuleBroken("; ".join(self.session.violations))


def _raw(value: TelegramObject | dict[str, Any]) -> dict[str, Any]:
    return value if isinstance(value, dict) else value.model_dump(exclude_none=True)


class Person:
    def __init__(self, world: World, user: User) -> None:
        self.world, self.user = world, user
        self.chat = Chat(id=user.id, type="private", first_name=user.first_name)
        self._from, self._in = _raw(user), _raw(self.chat)

    @property
    def id(self) -> int:
        return self.user.id

    # --- what they do ---------------------------------------------------------------------

    async def send(self, text: str) -> None:
        await self._message(text=text)

    async def send_photo(
        self, file_id: str = "photo-1", caption: str | None = None, album: str | None = None
    ) -> None:
        sizes = [
            PhotoSize(
                file_id=file_id,
                file_unique_id=f"u-{file_id}",
                width=1280,
                height=960,
                file_size=200_000,
            )
        ]
        await self._message(photo=sizes, caption=caption, media_group_id=album)

    async def send_album(
        self, count: int, caption: str | None = None, album: str = "album-1"
    ) -> None:
        for n in range(count):
            await self.send_photo(f"{album}-photo-{n}", caption if n == 0 else None, album)

    async def send_document(
        self,
        file_id: str = "doc-1",
        name: str = "акт.pdf",
        size: int = 50_000,
        mime: str = "application/pdf",
        caption: str | None = None,
    ) -> None:
        document = Document(
            file_id=file_id,
            file_unique_id=f"u-{file_id}",
            file_name=name,
            mime_type=mime,
            file_size=size,
        )
        await self._message(document=document, caption=caption)

    async def send_sticker(self) -> None:
        sticker = Sticker(
            file_id="st",
            file_unique_id="ust",
            type="regular",
            width=512,
            height=512,
            is_animated=False,
            is_video=False,
        )
        await self._message(sticker=sticker)

    async def send_voice(self) -> None:
        await self._message(voice=Voice(file_id="v", file_unique_id="uv", duration=3))

    async def press(self, label: str) -> str | None:
        """Press the newest inline button whose text contains ``label``; returns the alert."""
        shown, data = self._find_button(label)
        return await self.press_data(data, shown.message_id)

    async def press_data(self, data: str, message_id: int | None = None) -> str | None:
        """Send raw callback data, as a forged or stale button would."""
        query_id = self.world.next_callback_id()
        message = self._pressed_message(message_id or 1)
        query = {
            "id": query_id,
            "from": self._from,
            "chat_instance": "ci",
            "message": message,
            "data": data,
        }
        await self.world.feed(callback_query=query)
        if query_id not in self.world.session.answered:
            self.world.session.violations.append(f"callback {data!r} was never answered")
        return self.world.session.alerts.get(query_id)

    # --- what they see --------------------------------------------------------------------

    @property
    def screens(self) -> list[Shown]:
        return list(self.world.session.shown_in.get(self.chat.id, ()))

    @property
    def last(self) -> Shown:
        assert self.screens, f"{self.user.first_name} has received nothing"
        return self.screens[-1]

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.screens]

    def buttons(self) -> list[str]:
        """Inline buttons of the newest message that has any."""
        for shown in reversed(self.screens):
            if shown.buttons:
                return [b.text for b in shown.buttons]
        return []

    def menu(self) -> list[str]:
        for shown in reversed(self.screens):
            if shown.menu:
                return shown.menu
        return []

    def _pressed_message(self, message_id: int) -> dict[str, Any]:
        """The message a button is on, as Telegram hands it over: its text, entities, buttons."""
        shown = self.world.session.find(self.chat.id, message_id)
        base: dict[str, Any] = {"text": "…"}
        if shown is not None and not (shown.photos or shown.document):
            text, entities = rendered.parse(shown.text)
            base = {
                "text": text,
                "entities": [
                    {"type": kind, "offset": offset, "length": length, "url": url}
                    for kind, offset, length, url in entities
                ],
                "reply_markup": shown.inline_markup(),
            }
        return self._sent(message_id, _BOT, base)

    def _sent(
        self, message_id: int, sender: dict[str, Any], content: dict[str, Any]
    ) -> dict[str, Any]:
        """A message as Telegram's data: sent now in this person's chat."""
        chat, now = self._in, int(time.time())
        return {"message_id": message_id, "date": now, "chat": chat, "from": sender, **content}

    def _find_button(self, label: str) -> tuple[Shown, str]:
        for shown in reversed(self.screens):
            for button in shown.buttons:
                if label in button.text and button.callback_data:
                    return shown, button.callback_data
        raise AssertionError(f"no button {label!r}; last buttons: {self.buttons()}")

    async def _message(self, **content: Any) -> None:
        raw = {key: _content(value) for key, value in content.items() if value is not None}
        await self.world.feed(message=self._sent(self.world.next_message_id(), self._from, raw))


def _content(value: Any) -> Any:
    if isinstance(value, list):
        return [_content(item) for item in value]
    return _raw(value) if isinstance(value, TelegramObject) else value
