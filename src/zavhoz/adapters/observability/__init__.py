"""Observability: structured logs, Prometheus metrics, health endpoints, and Sentry on demand.

Sentry lives in ``zavhoz.adapters.observability.sentry`` and is not imported here: without a
DSN, ``sentry_sdk`` is never loaded.
"""

from zavhoz.adapters.observability.http import (
    add_observability_routes,
    bound_port,
    observability_app,
    start_server,
)
from zavhoz.adapters.observability.logging import configure_logging
from zavhoz.adapters.observability.metered import MeteredUnitOfWork, metered_uow_factory
from zavhoz.adapters.observability.metrics import GaugeRefresher, Metrics

__all__ = [
    "GaugeRefresher",
    "MeteredUnitOfWork",
    "Metrics",
    "add_observability_routes",
    "bound_port",
    "configure_logging",
    "metered_uow_factory",
    "observability_app",
    "start_server",
]
