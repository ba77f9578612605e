"""Remembered facts in a dict (tests, and the in-memory setup)."""


class MemoryRemembered:
    def __init__(self) -> None:
        self.facts: dict[str, str] = {}

    async def recall(self, key: str) -> str | None:
        return self.facts.get(key)

    async def remember(self, key: str, value: str) -> None:
        self.facts[key] = value
