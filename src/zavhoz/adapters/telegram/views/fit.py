"""Telegram's size limits, measured the way Telegram measures them: the text people see."""

import html
import re
from collections.abc import Sequence

MAX_TEXT = 4096
"""A message's visible text (after HTML parsing)."""
MAX_CAPTION = 1024
MAX_BUTTON_TEXT = 40
"""Longer button labels are cut by the apps; ours stay readable on a phone."""

_TAG = re.compile(r"<[^>]*>")


def visible_length(markup: str) -> int:
    """Characters Telegram counts for ``markup`` (tags dropped, entities as one character)."""
    return len(html.unescape(_TAG.sub("", markup)))


def paginate(head: str, blocks: Sequence[str], limit: int, separator: str = "\n\n") -> list[str]:
    """``head`` and as many whole ``blocks`` as fit in ``limit`` per page; never cuts a block."""
    pages: list[list[str]] = [[]]
    base = visible_length(head)
    size = base
    for block in blocks:
        cost = visible_length(block) + len(separator)
        if pages[-1] and size + cost > limit:
            pages.append([])
            size = base
        pages[-1].append(block)
        size += cost
    return [separator.join([head, *page]) for page in pages]


def short(text: str, limit: int = MAX_BUTTON_TEXT) -> str:
    """A label for a button (plain text, never HTML): cut at ``limit`` with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
