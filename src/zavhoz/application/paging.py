from typing import Generic, TypeVar

import attrs

T = TypeVar("T")

MAX_PAGE_SIZE = 50


def _clamp_offset(value: int) -> int:
    return max(0, value)


def _clamp_limit(value: int) -> int:
    return min(max(1, value), MAX_PAGE_SIZE)


@attrs.frozen
class PageRequest:
    """A window of a list: ``offset`` clamped to ≥ 0, ``limit`` to 1–``MAX_PAGE_SIZE``."""

    offset: int = attrs.field(default=0, converter=_clamp_offset)
    limit: int = attrs.field(default=5, converter=_clamp_limit)


@attrs.frozen
class Page(Generic[T]):
    items: tuple[T, ...]
    total: int
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0
