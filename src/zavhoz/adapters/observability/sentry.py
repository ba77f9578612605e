"""Sentry, only when a DSN is given (importing this module imports ``sentry_sdk``: do it then).

Errors logged at ERROR (a failing handler caught by the guard, the delivery worker, the
scheduler) and uncaught exceptions become events. Each event carries the update being handled
as tags (``update_id``, ``user_id``, ``handler``, ``request_id``, ``update_kind``); before it
leaves, every string is scrubbed of the bot token and the configured secrets, typed fields
are masked and what the person typed is cut out of messages and exception values.
Local variables and personal data are not sent; no tracing, no automatic integrations.
"""

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import sentry_sdk
import structlog
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.transport import Transport
from sentry_sdk.types import Breadcrumb, BreadcrumbHint, Event, Hint

from zavhoz.adapters.observability.redaction import Scrubber, typed_in_context

TAGS = ("update_id", "user_id", "handler", "request_id", "update_kind")
"""Context variables of the update being handled that become tags of an event."""


def init_sentry(
    dsn: str,
    *,
    environment: str,
    release: str,
    secrets: Iterable[str] = (),
    transport: type[Transport] | Transport | None = None,
) -> None:
    """Start reporting to ``dsn``; ``transport`` replaces the network (tests keep envelopes)."""
    scrubber = Scrubber(secrets)
    options: dict[str, Any] = {}
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(
        dsn=dsn,
        release=release,
        environment=environment,
        send_default_pii=False,
        include_local_variables=False,
        auto_enabling_integrations=False,
        integrations=[LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)],
        before_send=lambda event, hint: scrub_event(event, hint, scrubber),
        before_breadcrumb=lambda crumb, hint: scrub_breadcrumb(crumb, hint, scrubber),
        max_breadcrumbs=50,
        **options,
    )


def scrub_event(event: Event, hint: Hint, scrubber: Scrubber) -> Event:
    """Tags from the update's context, a readable message for structlog lines, then scrubbing."""
    context = structlog.contextvars.get_contextvars()
    tags = dict(event.get("tags") or {})
    tags.update({key: str(context[key]) for key in TAGS if context.get(key) is not None})
    event["tags"] = tags
    structured = _structured(hint)
    if structured is not None:
        message = str(structured.get("event", ""))
        event["logentry"] = {"message": message, "formatted": message, "params": []}
        event["extra"] = {**(event.get("extra") or {}), **_fields(structured)}
    scrubbed: Event = scrubber.deep(dict(event), typed_in_context())
    return scrubbed


def scrub_breadcrumb(crumb: Breadcrumb, hint: BreadcrumbHint, scrubber: Scrubber) -> Breadcrumb:
    structured = _structured(hint)
    if structured is not None:
        crumb["message"] = str(structured.get("event", ""))
        crumb["data"] = {**(crumb.get("data") or {}), **_fields(structured)}
    scrubbed: Breadcrumb = scrubber.deep(dict(crumb), typed_in_context())
    return scrubbed


def _structured(hint: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The event dict of a line written through structlog (its record's ``msg``), if it was."""
    record = (hint or {}).get("log_record")
    message = getattr(record, "msg", None)
    return message if isinstance(message, dict) else None


def _fields(structured: Mapping[str, Any]) -> dict[str, Any]:
    skip = {"event", "level", "logger", "timestamp", *TAGS}
    return {key: repr(value) for key, value in structured.items() if key not in skip}
