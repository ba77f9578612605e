"""Specific domain errors: each names the rule broken, so adapters can explain it to people."""

import attrs

from zavhoz.domain.ids import RequestId, UserId


class DomainError(Exception):
    """Base of every rule violation the core reports."""

    code = "domain_error"


@attrs.define(slots=False)
class ValidationFailed(DomainError):
    """A field broke a rule: ``ValidationFailed("description", "min_length", 10, 4)``."""

    field: str
    rule: str
    limit: int | None = None
    actual: int | None = None
    code = "validation_failed"

    def __str__(self) -> str:
        return f"{self.field}: {self.rule} (limit={self.limit}, actual={self.actual})"


@attrs.define(slots=False)
class TransitionNotAllowed(DomainError):
    status: str
    action: str
    code = "transition_not_allowed"

    def __str__(self) -> str:
        return f"cannot {self.action} a request in status {self.status}"


@attrs.define(slots=False)
class NotPermitted(DomainError):
    action: str
    reason: str
    code = "not_permitted"

    def __str__(self) -> str:
        return f"not permitted to {self.action}: {self.reason}"


@attrs.define(slots=False)
class AlreadyTaken(DomainError):
    """Someone else has the request; ``assignee`` names who."""

    assignee: UserId
    code = "already_taken"

    def __str__(self) -> str:
        return f"already taken by {self.assignee}"


@attrs.define(slots=False)
class AlreadyYours(DomainError):
    """A repeated "take" by the assignee: nothing changes, nothing is recorded."""

    code = "already_yours"

    def __str__(self) -> str:
        return "the request is already yours"


@attrs.define(slots=False)
class NotFound(DomainError):
    entity: str
    key: str
    code = "not_found"

    def __str__(self) -> str:
        return f"{self.entity} {self.key} not found"


@attrs.define(slots=False)
class ConcurrentUpdate(DomainError):
    """Someone changed the same record first (optimistic locking)."""

    entity: str
    key: str
    code = "concurrent_update"

    def __str__(self) -> str:
        return f"{self.entity} {self.key} was changed by someone else"


@attrs.define(slots=False)
class ChangedMeanwhile(DomainError):
    """The request is no longer as the person saw it when they chose to act (``seen``)."""

    request_id: RequestId
    seen: int
    code = "changed_meanwhile"

    def __str__(self) -> str:
        return f"request {self.request_id} changed since version {self.seen}"


@attrs.define(slots=False)
class AlreadyExists(DomainError):
    """A unique key is taken: ``AlreadyExists("organization", "school-5")``."""

    entity: str
    key: str
    code = "already_exists"

    def __str__(self) -> str:
        return f"{self.entity} {self.key} already exists"
