"""structlog for everything: ZAVhoz's own lines and the standard-library logging of aiogram,
SQLAlchemy, aiohttp and Alembic go through one pipeline and come out as JSON lines (production)
or a readable console (development).

Every line carries the context variables bound for the update being handled (``update_id``,
``user_id``, ``handler``, ``request_id``); the bot token never appears (any token-shaped string
and the configured secrets are masked, in messages, fields and tracebacks alike); what people
typed (``description``, ``comment``, ``text``, ``reason``, ``report``, ``caption``) stays on
DEBUG lines only.
"""

import logging
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

import structlog
from structlog.types import EventDict, Processor, WrappedLogger

from zavhoz.adapters.observability.redaction import (
    SCALARS,
    TYPED_FIELDS,
    Scrubber,
    typed_values,
)

JSON = "json"
CONSOLE = "console"

LIBRARIES = ("aiogram", "aiohttp", "sqlalchemy", "alembic", "asyncio")
"""Loggers whose own handlers are removed so that their records reach the shared pipeline."""

CHATTY = (
    "sqlalchemy.engine",
    "sqlalchemy.pool",
    "aiohttp.access",
    "aiogram.event",
    "aiogram.middlewares",
)
"""Quiet (WARNING) unless the level is DEBUG: SQL parameters carry typed text, scrapes and
callback answers are noise, and aiogram's line per update is replaced by the Telegram adapter's,
which has the context."""

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "exception": logging.ERROR,
    "critical": logging.CRITICAL,
    "fatal": logging.CRITICAL,
}
_SHADOWED = "_shadowed_context"
"""Where ``merge_context`` leaves the typed context values that a call's fields hid."""
_META = ("_record", "_from_structlog", "exc_info", "positional_args", _SHADOWED)
_PLAIN_SCALARS = SCALARS | {str}


class Redact:
    """A processor: masks secrets everywhere, and above DEBUG drops what people typed.

    It runs twice: before a line is handed to the standard library (so other handlers, Sentry's
    breadcrumbs among them, never see typed fields) and after the traceback has been rendered
    (``stringify``: values that are not plain data are turned into masked strings there, so a
    renderer's ``repr`` cannot reveal anything). The second pass leaves the plain values the
    first one masked as they are: it masks the rendered traceback and what it stringifies.
    The line's level is its method's (never a field called ``level``); numbers and ``None`` are
    left alone unless they sit under a typed field, which goes whatever it holds.
    """

    def __init__(self, scrubber: Scrubber, *, stringify: bool = False) -> None:
        self._scrubber = scrubber
        self._stringify = stringify

    def __call__(self, logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
        context = event_dict.pop(_SHADOWED, None)
        unmasked = self._unmasked(event_dict)
        if not unmasked:
            return event_dict
        drop_typed = _LEVELS.get(method_name, logging.INFO) > logging.DEBUG
        typed = _typed(event_dict, context) if drop_typed else ()
        for key in unmasked:
            if drop_typed and key in TYPED_FIELDS:
                del event_dict[key]
                continue
            value = event_dict[key]
            if self._stringify and not _plain(value):
                value = str(value)
            event_dict[key] = self._scrubber.deep(value, typed, drop_typed=drop_typed)
        return event_dict

    def _unmasked(self, event_dict: EventDict) -> list[str]:
        if not self._stringify:
            return [
                key
                for key, value in event_dict.items()
                if (type(value) not in SCALARS or key in TYPED_FIELDS) and key not in _META
            ]
        return [
            key
            for key, value in event_dict.items()
            if key in _RENDERED
            or (type(value) not in _PLAIN_SCALARS and key not in _META and not _plain(value))
        ]


def _typed(event_dict: EventDict, shadowed: dict[str, Any] | None) -> tuple[str, ...]:
    """What was typed, in the line and in the context (read again unless ``merge_context`` did)."""
    context = structlog.contextvars.get_contextvars() if shadowed is None else shadowed
    return typed_values(event_dict, context)


def merge_context(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """structlog's ``merge_contextvars``, reading the context once for ``Redact`` as well.

    What a call's own fields hide of the context can still be quoted elsewhere in the line: the
    typed values among it are left for ``Redact``, which then need not read the context again.
    """
    event_dict[_SHADOWED] = {
        key: value
        for key, value in structlog.contextvars.get_contextvars().items()
        if event_dict.setdefault(key, value) is not value and key in TYPED_FIELDS
    }
    return event_dict


_RENDERED = ("exception", "stack")
"""What the formatter's own processors add after the first pass: the traceback, the stack."""

_LEFTOVERS = ("message", "asctime")
"""Set on a record by whichever handler formatted it first: not extras of the call."""


def _drop_formatting_leftovers(
    logger: WrappedLogger, method_name: str, event_dict: EventDict
) -> EventDict:
    for key in _LEFTOVERS:
        event_dict.pop(key, None)
    return event_dict


def _plain(value: Any) -> bool:
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, dict):
        return all(_plain(item) for item in value.values())
    if isinstance(value, list | tuple):
        return all(_plain(item) for item in value)
    return False


def configure_logging(
    level: str = "INFO",
    log_format: str = JSON,
    *,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
    taps: Sequence[Processor] = (),
) -> logging.Handler:
    """Set up structlog and the root logger; returns the handler it installed.

    ``secrets`` are masked wherever they appear (the bot token, the webhook secret); ``taps``
    are processors that see every final event just before it is rendered (tests use a
    ``structlog.testing.LogCapture`` there). Calling it again replaces the previous set-up.
    """
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise ValueError(f"unknown log level {level!r}")
    scrubber = Scrubber(secrets)
    timestamper = structlog.processors.TimeStamper(fmt="iso", utc=True)
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            merge_context,
            structlog.stdlib.PositionalArgumentsFormatter(),
            Redact(scrubber),  # before the fields the pipeline adds itself: nothing to mask there
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            timestamper,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    output = stream if stream is not None else sys.stderr
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.ExtraAdder(),
            _drop_formatting_leftovers,
            timestamper,
            Redact(scrubber),
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            Redact(scrubber, stringify=True),
            *taps,
            _renderer(log_format, output),
        ],
    )
    handler: logging.Handler = (
        logging.StreamHandler(stream) if stream is not None else _CurrentStderr()
    )
    handler.setFormatter(formatter)
    handler.set_name(_HANDLER_NAME)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric)
    for name in LIBRARIES:
        library = logging.getLogger(name)
        library.handlers.clear()
        library.propagate = True
        library.setLevel(logging.NOTSET)
    for name in CHATTY:
        logging.getLogger(name).setLevel(
            logging.INFO if numeric <= logging.DEBUG else logging.WARNING
        )
    logging.captureWarnings(True)
    return handler


_HANDLER_NAME = "zavhoz-structlog"


class _CurrentStderr(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is when a line is written (test runners swap it)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def _renderer(log_format: str, stream: TextIO) -> Processor:
    if log_format == JSON:
        return structlog.processors.JSONRenderer(ensure_ascii=False, sort_keys=False)
    if log_format == CONSOLE:
        colors = bool(getattr(stream, "isatty", lambda: False)())
        return structlog.dev.ConsoleRenderer(
            colors=colors, exception_formatter=structlog.dev.plain_traceback
        )
    raise ValueError(f"unknown log format {log_format!r}: use {JSON} or {CONSOLE}")
