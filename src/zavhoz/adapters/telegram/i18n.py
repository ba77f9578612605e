"""Locale files (TOML, one folder a language) and plural forms; every parameter is HTML-escaped.

A value may be a table of plural forms (``one``/``few``/``many``/``other``) chosen by the
parameter ``n``. Parameters are escaped unless wrapped in ``Html`` (markup the adapter built).
"""

import functools
import html
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("ru", "en")


class Html(str):
    """Markup that is already safe (built from escaped parts): inserted as it is."""

    __slots__ = ()


def _russian(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


def _english(n: int) -> str:
    return "one" if n == 1 else "other"


PLURALS: dict[str, Callable[[int], str]] = {"ru": _russian, "en": _english}


_PLURAL_FORMS = {"zero", "one", "two", "few", "many", "other"}


def _is_plural(table: Mapping[str, Any]) -> bool:
    return "one" in table and set(table) <= _PLURAL_FORMS


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not _is_plural(value):
            flat |= _flatten(value, f"{name}.")
        else:
            flat[name] = value
    return flat


def _escape(value: object) -> object:
    if isinstance(value, Html) or not isinstance(value, str):
        return value
    return html.escape(value, quote=False)


class Texts:
    """The texts of one language: ``t("wizard.location.ask")``, ``t("list.count", n=5)``."""

    def __init__(self, language: str, messages: Mapping[str, Any]) -> None:
        self.language = language
        self._messages = messages
        self._plural = PLURALS[language]

    def __call__(self, key: str, **params: object) -> str:
        template = self._messages.get(key)
        if template is None:
            raise KeyError(f"no text {key!r} in locale {self.language!r}")
        if isinstance(template, dict):
            template = template[self._plural(int(str(params["n"])))]
        return str(template).format_map({name: _escape(v) for name, v in params.items()})

    def has(self, key: str) -> bool:
        return key in self._messages


class Translator:
    def __init__(self, folder: Path = LOCALES, default: str = "ru") -> None:
        self.default = default
        self._texts = {
            language: Texts(language, _load(folder / language)) for language in LANGUAGES
        }

    def for_language(self, code: str | None) -> Texts:
        """Russian by default; English for people whose Telegram speaks English."""
        language = (code or "").split("-")[0].lower()
        return self._texts.get(language) or self._texts[self.default]

    def all(self) -> list[Texts]:
        return list(self._texts.values())


def _load(folder: Path) -> dict[str, Any]:
    messages: dict[str, Any] = {}
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as file:
            messages |= _flatten(tomllib.load(file))
    return messages


@functools.cache
def default_translator() -> Translator:
    """The shipped locales, loaded once (filters and keyboards built at import use it)."""
    return Translator()
