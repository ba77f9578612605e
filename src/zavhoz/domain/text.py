"""Normalisation of everything people type, and length rules counted after it."""

import re
import unicodedata

import attrs

from zavhoz.domain.errors import ValidationFailed

_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _clean(char: str, multiline: bool) -> str:
    if char == "\n":
        return char if multiline else " "
    if char.isspace():
        return " "
    return "" if unicodedata.category(char) == "Cc" else char


def normalize(text: str, *, multiline: bool = False) -> str:
    """Strip, collapse runs of spaces, drop control characters; ``multiline`` keeps line breaks.

    Whitespace-like controls (tabs, form feeds) become spaces; text is composed to NFC, so a
    letter typed as two code points counts as one.
    """
    unified = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    kept = "".join(_clean(c, multiline) for c in unified)
    lines = (_SPACES.sub(" ", line).strip() for line in kept.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


@attrs.frozen
class TextRule:
    """A field's length limits, e.g. ``TextRule("location", 2, 100)``."""

    field: str
    min_length: int
    max_length: int
    multiline: bool = False

    def clean(self, text: str) -> str:
        """Normalise ``text`` and check its length; raises ``ValidationFailed`` naming the limit."""
        value = normalize(text, multiline=self.multiline)
        if len(value) < self.min_length:
            raise ValidationFailed(self.field, "min_length", self.min_length, len(value))
        if len(value) > self.max_length:
            raise ValidationFailed(self.field, "max_length", self.max_length, len(value))
        return value


LOCATION = TextRule("location", 2, 100)
DESCRIPTION = TextRule("description", 10, 2000, multiline=True)
REASON = TextRule("reason", 3, 500, multiline=True)
CANCEL_REASON = TextRule("reason", 0, 500, multiline=True)
REPORT = TextRule("report", 3, 2000, multiline=True)
COMMENT = TextRule("comment", 1, 2000, multiline=True)
FEEDBACK = TextRule("feedback", 0, 1000, multiline=True)
ROOM_NAME = TextRule("name", 2, 100)
USER_NAME = TextRule("name", 0, 200)

TITLE_MAX = 100


def derive_title(description: str) -> str:
    """First line of the description, cut at a word boundary to at most ``TITLE_MAX`` characters."""
    first_line = description.split("\n", 1)[0]
    if len(first_line) <= TITLE_MAX:
        return first_line
    cut = first_line[: TITLE_MAX + 1].rsplit(" ", 1)[0]
    return cut if 0 < len(cut) <= TITLE_MAX else first_line[:TITLE_MAX]
