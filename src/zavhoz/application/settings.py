"""Workflow options the use cases follow, filled in by the composition root from configuration."""

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
