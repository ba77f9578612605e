"""The closed vocabularies of a request: status, priority, category."""

from enum import StrEnum


class Status(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in (Status.REJECTED, Status.CANCELLED)

    @property
    def is_active(self) -> bool:
        """Somebody still has work to do on it."""
        return self in ACTIVE_STATUSES


ACTIVE_STATUSES = frozenset({Status.OPEN, Status.IN_PROGRESS, Status.ON_HOLD})


class Priority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Category(StrEnum):
    ELECTRICAL = "electrical"
    PLUMBING = "plumbing"
    HEATING_VENTILATION = "heating_ventilation"
    FURNITURE = "furniture"
    IT_EQUIPMENT = "it_equipment"
    CLEANING = "cleaning"
    DOORS_LOCKS_SECURITY = "doors_locks_security"
    OTHER = "other"
