"""Workflow options the use cases follow, filled in by the composition root from configuration."""

from collections.abc import Callable, Mapping
from enum import StrEnum

import attrs

from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.ids import UserId


class RegistrationMode(StrEnum):
    OPEN = "open"
    APPROVAL = "approval"


@attrs.frozen(kw_only=True)
class WorkflowSettings:
    calendar: WorkingCalendar = attrs.field(factory=WorkingCalendar)
    registration: RegistrationMode = RegistrationMode.OPEN
    admin_ids: frozenset[UserId] = frozenset()
    notify_executors: bool = False
    require_completion_photo: bool = False
    per_organization: Callable[[Mapping[str, str]], "WorkflowSettings"] | None = attrs.field(
        default=None, eq=False, repr=False
    )
    """These settings with an organization's own laid over them; ``None``: the same everywhere."""
