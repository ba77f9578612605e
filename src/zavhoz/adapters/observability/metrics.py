"""The Prometheus metrics of ZAVhoz, in a registry of their own (one per application instance).

Counters move as things happen (updates, commits seen by ``MeteredUnitOfWork``); the gauges
(``zavhoz_outbox_pending``, ``zavhoz_open_requests``) are read from the database when scraped
(``GaugeRefresher``). Labelled series the alerts rely on start at zero, so ``increase()`` sees
the first event too.
"""

import time
from collections.abc import Callable, Mapping

import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from zavhoz.application.filters import QueueFilter
from zavhoz.application.paging import PageRequest
from zavhoz.application.ports import Clock, UnitOfWorkFactory
from zavhoz.domain.catalog import ACTIVE_STATUSES, Category, Priority
from zavhoz.domain.events import EventKind
from zavhoz.domain.sla import SlaLevel

CONTENT_TYPE = CONTENT_TYPE_LATEST

NOTIFICATION_OUTCOMES = ("sent", "retry", "dead", "dropped")
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

log = structlog.get_logger("zavhoz.observability")


class Metrics:
    """Every metric, registered in ``registry``; methods name what happened."""

    def __init__(
        self,
        registry: CollectorRegistry | None = None,
        *,
        version: str = "",
        environment: str = "",
    ) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        self.updates = Counter(
            "zavhoz_updates",
            "Telegram updates handled, by kind (message, callback_query, ...) and outcome.",
            ["kind", "outcome"],
            registry=r,
        )
        self.update_duration = Histogram(
            "zavhoz_update_duration_seconds",
            "Time to handle one Telegram update, by kind.",
            ["kind"],
            buckets=DURATION_BUCKETS,
            registry=r,
        )
        self.requests_created = Counter(
            "zavhoz_requests_created",
            "Requests created, by priority and category.",
            ["priority", "category"],
            registry=r,
        )
        self.transitions = Counter(
            "zavhoz_request_transitions",
            "Changes recorded in requests' history (taken, completed, ...), by action.",
            ["action"],
            registry=r,
        )
        self.notifications = Counter(
            "zavhoz_notifications",
            "Outbox deliveries by outcome: sent, retry (failed for now), dead (gave up), dropped.",
            ["outcome"],
            registry=r,
        )
        self.outbox_pending = Gauge(
            "zavhoz_outbox_pending",
            "Outbox messages waiting to be sent (pending or being sent), as of the last scrape.",
            registry=r,
        )
        self.sla_alerts = Counter(
            "zavhoz_sla_alerts",
            "SLA checkpoints reached (warning, breach, escalation), by level and priority.",
            ["level", "priority"],
            registry=r,
        )
        self.open_requests = Gauge(
            "zavhoz_open_requests",
            "Requests not finished (open, in progress, on hold), by status and priority.",
            ["status", "priority"],
            registry=r,
        )
        self.build_info = Gauge(
            "zavhoz_build_info",
            "Always 1: the running version and environment.",
            ["version", "environment"],
            registry=r,
        )
        self.refresh_failures = Counter(
            "zavhoz_metrics_refresh_failures",
            "Scrapes whose gauges could not be read from the database (they kept old values).",
            registry=r,
        )
        self.build_info.labels(version=version, environment=environment).set(1)
        self._start_at_zero()
        self._update_counts: dict[tuple[str, str], Counter] = {}
        self._update_durations: dict[str, Histogram] = {}
        """Labelled children by their labels: a lookup in ``labels()`` takes a lock and more."""

    def _start_at_zero(self) -> None:
        for outcome in NOTIFICATION_OUTCOMES:
            self.notifications.labels(outcome=outcome)
        for priority in Priority:
            for category in Category:
                self.requests_created.labels(priority=priority.value, category=category.value)
            for level in SlaLevel:
                self.sla_alerts.labels(level=level.value, priority=priority.value)
            for status in ACTIVE_STATUSES:
                self.open_requests.labels(status=status.value, priority=priority.value)
        for kind in EventKind:
            if kind is not EventKind.CREATED:
                self.transitions.labels(action=kind.value)

    # --- what happened --------------------------------------------------------------------

    def record_update(self, kind: str, outcome: str, seconds: float) -> None:
        """Called by the Telegram adapter once per update."""
        count = self._update_counts.get((kind, outcome))
        if count is None:
            count = self._update_counts[kind, outcome] = self.updates.labels(kind, outcome)
        count.inc()
        duration = self._update_durations.get(kind)
        if duration is None:
            duration = self._update_durations[kind] = self.update_duration.labels(kind)
        duration.observe(seconds)

    def request_created(self, priority: str, category: str) -> None:
        self.requests_created.labels(priority=priority, category=category).inc()

    def transition(self, action: str) -> None:
        self.transitions.labels(action=action).inc()

    def notification(self, outcome: str, count: int = 1) -> None:
        self.notifications.labels(outcome=outcome).inc(count)

    def sla_alert(self, level: str, priority: str) -> None:
        self.sla_alerts.labels(level=level, priority=priority).inc()

    def set_outbox_pending(self, count: int) -> None:
        self.outbox_pending.set(count)

    def set_open_requests(self, counts: Mapping[tuple[str, str], int]) -> None:
        """``counts`` by (status, priority); a pair left out is zero."""
        for status in ACTIVE_STATUSES:
            for priority in Priority:
                value = counts.get((status.value, priority.value), 0)
                self.open_requests.labels(status=status.value, priority=priority.value).set(value)

    def render(self) -> bytes:
        """The text exposition format (``CONTENT_TYPE``)."""
        return generate_latest(self.registry)


class GaugeRefresher:
    """Reads the gauges from the database, at most once per ``interval`` seconds.

    Called before each scrape; a failure is logged and counted, and the gauges keep their
    previous values (the scrape itself still answers).
    """

    def __init__(
        self,
        metrics: Metrics,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        interval: float = 10.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._metrics = metrics
        self._uow_factory = uow_factory
        self._clock = clock
        self._interval = interval
        self._monotonic = monotonic
        self._next: float | None = None

    async def __call__(self) -> None:
        moment = self._monotonic()
        if self._next is not None and moment < self._next:
            return
        self._next = moment + self._interval
        try:
            await self._refresh()
        except Exception:
            self._metrics.refresh_failures.inc()
            log.warning("could not read the gauges from the database", exc_info=True)

    async def _refresh(self) -> None:
        now = self._clock.now()
        counts: dict[tuple[str, str], int] = {}
        async with self._uow_factory(read_only=True) as uow:
            backlog = await uow.deliveries.backlog(now)
            for status in sorted(ACTIVE_STATUSES):
                for priority in Priority:
                    query = QueueFilter(statuses=frozenset({status}), priority=priority)
                    page = await uow.queries.queue(query, now, PageRequest(limit=1))
                    counts[(status.value, priority.value)] = page.total
        self._metrics.set_outbox_pending(backlog)
        self._metrics.set_open_requests(counts)
