"""A message as Telegram keeps it: HTML parsed into plain text and entities, and its buttons.

Telegram refuses an edit that changes nothing ("message is not modified"); comparing what would
be shown with what is shown (the text and entities a button's message carries) avoids the call.
"""

import functools
from html.parser import HTMLParser

from aiogram.types import InlineKeyboardMarkup, Message, MessageEntity

Entity = tuple[str, int, int, str | None]
"""An entity's type, offset and length (UTF-16 units, as Telegram counts) and its link."""

_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "a": "text_link", "tg-emoji": "custom_emoji",
}  # fmt: skip


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.size = 0
        self.open: list[tuple[str, int, str | None]] = []
        self.entities: list[Entity] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append((tag, self.size, dict(attrs).get("href")))

    def handle_endtag(self, tag: str) -> None:
        if not self.open:
            return
        name, start, href = self.open.pop()
        kind = _TYPES.get(name)
        if kind is not None and self.size > start:
            self.entities.append((kind, start, self.size - start, href))

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.size += _units(data)


PARSED_KEPT = 1024
"""Markups kept parsed: the same questions and cards are shown again and again."""


def parse(markup: str) -> tuple[str, list[Entity]]:
    """The plain text and entities Telegram makes of ``markup`` (parse mode HTML)."""
    text, entities = _parsed(markup)
    return text, list(entities)


@functools.lru_cache(maxsize=PARSED_KEPT)
def _parsed(markup: str) -> tuple[str, tuple[Entity, ...]]:
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts), tuple(sorted(parser.entities, key=_order))


def entities_of(message_entities: list[MessageEntity] | None) -> list[Entity]:
    found = [(e.type, e.offset, e.length, e.url) for e in message_entities or []]
    return sorted(found, key=_order)


def buttons_of(markup: object) -> list[list[object]]:
    """The inline buttons as comparable data; no keyboard and an empty one are the same."""
    if not isinstance(markup, InlineKeyboardMarkup):
        return []
    return [[b.model_dump(exclude_none=True) for b in row] for row in markup.inline_keyboard]


def shows(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """``message`` already shows ``text`` (HTML) with ``markup``: an edit would change nothing."""
    plain, entities = parse(text)
    same_text = message.text == plain and entities_of(message.entities) == entities
    return same_text and buttons_of(message.reply_markup) == buttons_of(markup)


def _order(entity: Entity) -> tuple[int, int, str]:
    return entity[1], -entity[2], entity[0]
