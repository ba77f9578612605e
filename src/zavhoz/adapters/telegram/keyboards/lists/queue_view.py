"""What the queue shows, and its compact form in the buttons' data.

The filter travels in ``ListCb.flt`` as five characters (``QueueView.pack``):
status, priority, category, "assigned to me" (``0`` no, ``1`` the «👷 Мои задачи» screen,
``2`` the queue's «Мои» filter), overdue.
"""

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from zavhoz.adapters.telegram.callbacks import Button
from zavhoz.application.filters import QueueFilter
from zavhoz.domain.catalog import ACTIVE_STATUSES, Category, Priority, Status

STATUSES: dict[str, Status | None] = {
    "a": None,
    "o": Status.OPEN,
    "p": Status.IN_PROGRESS,
    "h": Status.ON_HOLD,
}
PRIORITIES: dict[str, Priority | None] = {
    "a": None,
    "l": Priority.LOW,
    "m": Priority.MEDIUM,
    "h": Priority.HIGH,
}
CATEGORIES: dict[str, Category | None] = {
    "0": None,
    **{str(n): c for n, c in enumerate(Category, start=1)},
}
CHOICES: dict[str, Mapping[str, object]] = {
    "status": STATUSES,
    "priority": PRIORITIES,
    "category": CATEGORIES,
}
"""Each filter field's choices by their code; ``None`` is "any"."""

_DEFAULT = "aa000"


class QueueMenuCb(Button, prefix="lq"):
    """A queue screen's extra: ``what`` is status, priority or category (a picker), find or
    unfind (start or leave search)."""

    what: str
    page: int = 0
    flt: str = ""


@attrs.frozen
class QueueView:
    """``status`` ``None`` means every active status."""

    status: Status | None = None
    priority: Priority | None = None
    category: Category | None = None
    mine: bool = False
    overdue: bool = False
    tasks: bool = False
    """Opened as «👷 Мои задачи» (always ``mine``); the queue's «Мои» filter keeps the queue."""

    FIELDS: ClassVar[tuple[str, ...]] = ("status", "priority", "category")

    def pack(self) -> str:
        fields = (_code(CHOICES[field], getattr(self, field)) for field in self.FIELDS)
        mine = "1" if self.tasks else "2" if self.mine else "0"
        return "".join((*fields, mine, "1" if self.overdue else "0"))

    @classmethod
    def unpack(cls, flt: str) -> "QueueView":
        """Anything unknown (an old or forged button) falls back to "everything"."""
        code = (flt + _DEFAULT[len(flt) :])[: len(_DEFAULT)]
        return cls(
            status=STATUSES.get(code[0]),
            priority=PRIORITIES.get(code[1]),
            category=CATEGORIES.get(code[2]),
            mine=code[3] in ("1", "2"),
            overdue=code[4] == "1",
            tasks=code[3] == "1",
        )

    def query(self) -> QueueFilter:
        statuses = ACTIVE_STATUSES if self.status is None else frozenset({self.status})
        return QueueFilter(statuses=statuses, priority=self.priority, category=self.category)

    @property
    def narrowed(self) -> bool:
        """Anything beyond "every active request" (or "all of mine")."""
        return self != self.cleared()

    def choosing(self, field: str, value: object) -> "QueueView":
        """The same view with filter ``field`` set to one of its ``CHOICES``."""
        change: dict[str, Any] = {field: value}
        return attrs.evolve(self, **change)

    def cleared(self) -> "QueueView":
        """Everything of the screen it is: the queue, or «Мои задачи»."""
        return QueueView(mine=self.tasks, tasks=self.tasks)

    def toggled_mine(self) -> "QueueView":
        """«Мои» pressed: the queue's filter (leaving «Мои задачи» shows the queue)."""
        return attrs.evolve(self, mine=not self.mine, tasks=False)


def _code(table: Mapping[str, object], value: object) -> str:
    return next(code for code, known in table.items() if known == value)
