"""ZAVhoz: a facility-request system that lives in Telegram."""

__version__ = "0.1.0"
