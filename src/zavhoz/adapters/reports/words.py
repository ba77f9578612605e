"""The words of BOT_UX.md ("Words and marks") that reports print, without the emoji marks.

Kept here rather than read from the Telegram locales: adapters do not import each other. Keep them
the same as ``adapters/telegram/locales/*/words.toml``.
"""

from collections.abc import Mapping

import attrs

from zavhoz.domain.catalog import Category, Priority, Status

LANGUAGES = ("ru", "en")


@attrs.frozen(kw_only=True)
class Words:
    status: Mapping[Status, str]
    priority: Mapping[Priority, str]
    category: Mapping[Category, str]
    yes: str
    no: str


RU = Words(
    status={
        Status.OPEN: "Новая",
        Status.IN_PROGRESS: "В работе",
        Status.ON_HOLD: "Ожидание",
        Status.COMPLETED: "Выполнена",
        Status.REJECTED: "Отклонена",
        Status.CANCELLED: "Отменена",
    },
    priority={Priority.LOW: "Низкий", Priority.MEDIUM: "Обычный", Priority.HIGH: "Срочный"},
    category={
        Category.ELECTRICAL: "Электрика",
        Category.PLUMBING: "Сантехника",
        Category.HEATING_VENTILATION: "Отопление и вентиляция",
        Category.FURNITURE: "Мебель",
        Category.IT_EQUIPMENT: "Техника и IT",
        Category.CLEANING: "Уборка",
        Category.DOORS_LOCKS_SECURITY: "Двери, замки, охрана",
        Category.OTHER: "Другое",
    },
    yes="да",
    no="нет",
)

EN = Words(
    status={
        Status.OPEN: "New",
        Status.IN_PROGRESS: "In progress",
        Status.ON_HOLD: "On hold",
        Status.COMPLETED: "Done",
        Status.REJECTED: "Rejected",
        Status.CANCELLED: "Cancelled",
    },
    priority={Priority.LOW: "Low", Priority.MEDIUM: "Normal", Priority.HIGH: "Urgent"},
    category={
        Category.ELECTRICAL: "Electrical",
        Category.PLUMBING: "Plumbing",
        Category.HEATING_VENTILATION: "Heating and ventilation",
        Category.FURNITURE: "Furniture",
        Category.IT_EQUIPMENT: "Equipment and IT",
        Category.CLEANING: "Cleaning",
        Category.DOORS_LOCKS_SECURITY: "Doors, locks, security",
        Category.OTHER: "Other",
    },
    yes="yes",
    no="no",
)

_BY_LANGUAGE = {"ru": RU, "en": EN}


def words(language: str) -> Words:
    """The words of ``language`` (``ru`` or ``en``); Russian for anything else."""
    return _BY_LANGUAGE.get(language, RU)
