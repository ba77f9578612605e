"""Recognising a menu button in any language."""

from aiogram.filters import Filter
from aiogram.types import Message

from zavhoz.adapters.telegram.i18n import Translator, default_translator


class MenuButton(Filter):
    """Matches the text of menu item ``item`` (e.g. "my") in every locale."""

    def __init__(self, item: str, translator: Translator | None = None) -> None:
        self.labels = {t(f"menu.{item}") for t in (translator or default_translator()).all()}

    async def __call__(self, message: Message) -> bool:
        return message.text in self.labels
