"""Conversations that span several messages."""

from aiogram.fsm.state import State, StatesGroup


class NewRequest(StatesGroup):
    location = State()
    category = State()
    description = State()
    priority = State()
    attachments = State()
    confirm = State()


class AskText(StatesGroup):
    """Waiting for a text for an action on a request: a reason, a report, a comment, a search."""

    waiting = State()
    photos = State()
