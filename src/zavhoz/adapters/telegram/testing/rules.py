"""The Bot API rules every outgoing call must obey, checked the way Telegram would."""

import functools
import html
import re
from html.parser import HTMLParser

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_ROW = 8
MAX_BUTTONS = 100

_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
    "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.problems: list[str] = []
        self.visible: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            self.problems.append(f"unsupported tag <{tag}>")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")

    def handle_data(self, data: str) -> None:
        self.visible.append(data)

    def handle_entityref(self, name: str) -> None:
        self.visible.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.visible.append(html.unescape(f"&#{name};"))


def html_problems(markup: str) -> tuple[list[str], str]:
    """Problems Telegram would refuse, and the text the person would see."""
    problems, visible = _checked(markup)
    return list(problems), visible


@functools.lru_cache(maxsize=1024)
def _checked(markup: str) -> tuple[tuple[str, ...], str]:
    """``html_problems`` of a markup once: tests and benchmarks send the same texts often."""
    bare_ampersands = len(re.findall("&", markup)) - len(_ENTITY.findall(markup))
    checker = _Checker()
    checker.feed(markup)
    checker.close()
    problems = list(checker.problems)
    if bare_ampersands:
        problems.append("unescaped '&'")
    if checker.open:
        problems.append(f"unclosed <{checker.open[-1]}>")
    if re.search(r"<(?![a-zA-Z/])", markup):
        problems.append("unescaped '<'")
    return tuple(problems), "".join(checker.visible)
