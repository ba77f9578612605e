"""Adapters: translate between the world (storage, Telegram, clocks) and the core's ports."""
