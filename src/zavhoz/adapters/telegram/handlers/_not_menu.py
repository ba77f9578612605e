"""A menu button is never an answer to a question (a place named «📊 Статистика»), even one
nobody handles yet: conversations register this filter on what they take as typed text."""

from aiogram.filters import Filter
from aiogram.types import Message

from zavhoz.adapters.telegram.keyboards.menu import ADMIN_ITEMS, EXECUTOR_ITEMS, STAFF_ITEMS
from zavhoz.adapters.telegram.menu_filter import MenuButton

MENU_ITEMS = (*STAFF_ITEMS, *EXECUTOR_ITEMS, *ADMIN_ITEMS)


class NotMenuButton(Filter):
    """The text is none of the menu's items, in any locale."""

    def __init__(self) -> None:
        self.labels = MenuButton(*MENU_ITEMS).labels

    async def __call__(self, message: Message) -> bool:
        return message.text not in self.labels
