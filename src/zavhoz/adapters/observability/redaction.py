"""What never leaves the process in logs or error reports: the bot token and what people typed.

Shared by the logging pipeline and the Sentry hooks. The update being handled binds what the
person typed as ``text`` or ``caption`` (structlog context variables, see the Telegram adapter's
``GuardMiddleware``); above DEBUG those fields are dropped and their values are cut out of
every other string too (an exception message that quotes them, say).
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

import structlog

TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
"""A Telegram bot token (``123456789:AAE...``), wherever it appears: URLs, reprs, tracebacks."""

TYPED_FIELDS = frozenset(
    {"description", "comment", "text", "reason", "report", "caption", "feedback", "title"}
)
"""Fields that carry what a person typed (a request's title is cut from its description): kept
on DEBUG lines only, never sent to Sentry."""

_KEYS = "|".join(sorted(TYPED_FIELDS))
TYPED_ASSIGNMENT = re.compile(
    rf"""(?P<key>\b(?:{_KEYS})["']?\s*[=:]\s*)"""  # description=  "text":
    r"""(?P<quote>['"])(?:\\.|(?!(?P=quote)).)*(?P=quote)""",  # '...' or "...", escapes kept
    re.DOTALL,
)
"""``description='...'`` in a repr (attrs, pydantic: an aiogram ``Message``), ``"text": "..."`` in
JSON: a typed field quoted inside some other text, such as an exception message."""

SCALARS = frozenset({int, float, bool, type(None)})
"""Values with nothing to mask, returned at once (most of a log line's fields)."""

TOKEN_MASK = "[token]"
TYPED_MASK = "[typed text]"
MIN_TYPED_LENGTH = 4
"""Shorter typed strings ("да", "ok") are not hunted inside other text: too many false hits."""


class Scrubber:
    """Replaces secrets (the configured ones and anything shaped like a bot token) in values."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def text(self, value: str, typed: Iterable[str] = (), *, drop_typed: bool = True) -> str:
        for secret in self._secrets:
            value = value.replace(secret, TOKEN_MASK)
        if ":" in value:  # a token has one, and so has a quoted typed field (or "=")
            value = TOKEN_PATTERN.sub(TOKEN_MASK, value)
        if drop_typed and (":" in value or "=" in value):
            value = TYPED_ASSIGNMENT.sub(rf"\g<key>\g<quote>{TYPED_MASK}\g<quote>", value)
        for words in typed:
            if len(words) >= MIN_TYPED_LENGTH:
                value = value.replace(words, TYPED_MASK)
        return value

    def deep(self, value: Any, typed: tuple[str, ...] = (), *, drop_typed: bool = True) -> Any:
        """A copy of ``value`` (dicts, lists, tuples, strings) with secrets and typed text masked.

        With ``drop_typed`` the values of ``TYPED_FIELDS`` keys are masked whole, and so are
        such fields quoted inside strings. Other objects are returned as they are.
        """
        if type(value) in SCALARS:
            return value
        if isinstance(value, str):
            return self.text(value, typed, drop_typed=drop_typed)
        if isinstance(value, Mapping):
            return {
                key: (
                    TYPED_MASK
                    if drop_typed and key in TYPED_FIELDS and value[key] is not None
                    else self.deep(value[key], typed, drop_typed=drop_typed)
                )
                for key in value
            }
        if isinstance(value, list | tuple):
            return type(value)(self.deep(item, typed, drop_typed=drop_typed) for item in value)
        return value


def typed_values(*sources: Mapping[str, Any]) -> tuple[str, ...]:
    """The strings under ``TYPED_FIELDS`` keys of ``sources``, longest first."""
    found = {
        value
        for source in sources
        for key, value in source.items()
        if key in TYPED_FIELDS and isinstance(value, str) and value
    }
    return tuple(sorted(found, key=len, reverse=True))


def typed_in_context() -> tuple[str, ...]:
    """What the person typed in the update being handled (empty outside an update)."""
    return typed_values(structlog.contextvars.get_contextvars())
