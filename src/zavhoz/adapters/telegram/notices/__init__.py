"""Outbox messages as Telegram pushes: rendered in the recipient's language, then sent.

render.py     a template and its parameters → the text, its buttons and the photos before it
keyboards.py  the buttons a push carries (they act exactly like the same buttons on a card)
sender.py     ``TelegramNotifier``, the ``Notifier`` port: sends a push and turns aiogram's
              errors into the port's (retry later, temporary, blocked, unknown chat, permanent)
"""

from zavhoz.adapters.telegram.notices.render import CannotRender, Notice, render_notice
from zavhoz.adapters.telegram.notices.sender import TelegramNotifier, delivery_error

__all__ = ["CannotRender", "Notice", "TelegramNotifier", "delivery_error", "render_notice"]
