"""Tools for testing the bot without Telegram: a recording Bot API session and fake people."""

from zavhoz.adapters.telegram.testing.people import Person, World
from zavhoz.adapters.telegram.testing.session import RecordingSession, TelegramRuleBroken

__all__ = ["Person", "RecordingSession", "TelegramRuleBroken", "World"]
