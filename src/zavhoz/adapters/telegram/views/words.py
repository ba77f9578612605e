"""The fixed words of BOT_UX.md: statuses, priorities, categories, roles."""

from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.users import Role


def status(t: Texts, value: Status) -> str:
    return t(f"status.{value.value}")


def priority(t: Texts, value: Priority) -> str:
    return t(f"priority.{value.value}")


def priority_mark(t: Texts, value: Priority) -> str:
    return t(f"priority_mark.{value.value}")


def category(t: Texts, value: Category) -> str:
    return t(f"category.{value.value}")


def role(t: Texts, value: Role) -> str:
    return t(f"role.{value.value}")
