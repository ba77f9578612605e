"""Domain errors in words people understand, from the locale files."""

import html
import re

from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.services import Services
from zavhoz.domain.errors import (
    AlreadyTaken,
    AlreadyYours,
    ChangedMeanwhile,
    ConcurrentUpdate,
    DomainError,
    NotFound,
    NotPermitted,
    TransitionNotAllowed,
    ValidationFailed,
)


def _first(t: Texts, keys: list[str], **params: object) -> str:
    key = next((k for k in keys if t.has(k)), keys[-1])
    return t(key, **params)


async def explain(error: DomainError, t: Texts, services: Services) -> str:
    if isinstance(error, ValidationFailed):
        keys = [f"errors.validation.{error.field}.{error.rule}", f"errors.validation.{error.rule}"]
        limit = error.limit or 0
        return _first(t, keys, n=limit, limit=limit, actual=error.actual or 0)
    if isinstance(error, NotPermitted):
        keys = [f"errors.not_permitted.{error.reason}", "errors.not_permitted.default"]
        return _first(t, keys)
    if isinstance(error, TransitionNotAllowed):
        return t("errors.transition", status=t(f"status.{error.status}"))
    if isinstance(error, AlreadyTaken):
        holder = await services.get_user(error.assignee)
        return t("errors.already_taken", name=holder.name if holder else str(error.assignee))
    if isinstance(error, AlreadyYours):
        return t("errors.already_yours")
    if isinstance(error, NotFound):
        return _first(t, [f"errors.not_found.{error.entity}", "errors.not_found.default"])
    if isinstance(error, ConcurrentUpdate | ChangedMeanwhile):
        return t("errors.concurrent")
    return t("errors.generic")


ALERT_LIMIT = 200
_TAGS = re.compile(r"<[^>]+>")


def as_alert(text: str) -> str:
    """A button alert is plain text of at most 200 characters: no markup, no entities."""
    plain = html.unescape(_TAGS.sub("", text))
    return plain if len(plain) <= ALERT_LIMIT else plain[: ALERT_LIMIT - 1] + "…"
