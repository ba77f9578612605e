"""Exponential backoff with jitter for network errors and 5xx answers."""

import random

import attrs

_MAX_EXPONENT = 32  # 2**32 seconds is far beyond any cap; keeps the arithmetic finite


@attrs.frozen(kw_only=True)
class Backoff:
    """The n-th failure waits between half and all of ``min(cap, base * 2**(n-1))`` seconds.

    The lower half is the previous ceiling, so a run of failures waits longer every time (up to
    the cap), and the random upper half spreads the retries of messages that failed together.
    """

    base: float = 2.0
    cap: float = 900.0
    max_attempts: int = 12

    def ceiling(self, failures: int) -> float:
        """The longest wait after ``failures`` failures in a row (1 for the first)."""
        exponent = min(max(failures - 1, 0), _MAX_EXPONENT)
        return float(min(self.cap, self.base * 2**exponent))

    def delay(self, failures: int, rng: random.Random) -> float:
        ceiling = self.ceiling(failures)
        return ceiling / 2 + rng.random() * ceiling / 2

    def exhausted(self, failures: int) -> bool:
        """Whether ``failures`` tries in all are as many as allowed."""
        return failures >= self.max_attempts
