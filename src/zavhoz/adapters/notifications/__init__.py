"""Delivery of outbox messages within Telegram's limits, the SLA scan and the morning digest.

Built on the core's ports only (``DeliveryQueue`` through the unit of work, ``Notifier``); the
composition root joins it to the Telegram notifier.
"""

from zavhoz.adapters.notifications.backoff import Backoff
from zavhoz.adapters.notifications.limits import ChatLanes, Limits, RateLimiter
from zavhoz.adapters.notifications.recording import Crash, RecordingNotifier
from zavhoz.adapters.notifications.scheduler import Scheduler
from zavhoz.adapters.notifications.worker import DeliveryWorker

__all__ = [
    "Backoff",
    "ChatLanes",
    "Crash",
    "DeliveryWorker",
    "Limits",
    "RateLimiter",
    "RecordingNotifier",
    "Scheduler",
]
