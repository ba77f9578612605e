"""``/metrics``, ``/healthz`` and ``/readyz`` over aiohttp: a server of their own, or routes
added to the webhook's application when both listen on the same address.

``/healthz`` answers 200 while the process serves HTTP at all. ``/readyz`` runs every readiness
probe (say, "the database answers", "the delivery worker is alive") and answers 503 when one of
them fails, raises or takes longer than ``probe_timeout`` seconds; the body names each probe's
result (never the error text, which may carry addresses). With Redis configured for the
conversations, ``redis_probe`` makes it 503 while Redis is down: the bot then only apologises.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping

import structlog
from aiohttp import web
from redis.asyncio import Redis

from zavhoz.adapters.observability.metrics import CONTENT_TYPE, Metrics

Probe = Callable[[], Awaitable[bool]]
"""A readiness check: ``True`` when that part works."""
Refresh = Callable[[], Awaitable[None]]
"""Reads the gauges before a scrape (``GaugeRefresher``)."""

METRICS_PATH = "/metrics"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"

log = structlog.get_logger("zavhoz.observability")


def redis_probe(redis: Redis) -> Probe:
    """The conversations' Redis answers ``PING``."""

    async def redis_answers() -> bool:
        return bool(await redis.ping())

    return redis_answers


class Endpoints:
    def __init__(
        self,
        metrics: Metrics,
        probes: Mapping[str, Probe],
        refresh: Refresh | None = None,
        probe_timeout: float = 3.0,
    ) -> None:
        self._metrics = metrics
        self._probes = dict(probes)
        self._refresh = refresh
        self._timeout = probe_timeout

    async def metrics(self, request: web.Request) -> web.Response:
        if self._refresh is not None:
            try:
                await asyncio.wait_for(self._refresh(), self._timeout)
            except TimeoutError:
                self._metrics.refresh_failures.inc()
                log.warning("reading the gauges took too long; serving the previous values")
        return web.Response(body=self._metrics.render(), headers={"Content-Type": CONTENT_TYPE})

    async def health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def ready(self, request: web.Request) -> web.Response:
        names = list(self._probes)
        results = await asyncio.gather(*(self._check(name) for name in names))
        checks = dict(zip(names, results, strict=True))
        ready = all(result == "ok" for result in results)
        return web.json_response(
            {"status": "ready" if ready else "unready", "checks": checks},
            status=200 if ready else 503,
        )

    async def _check(self, name: str) -> str:
        try:
            passed = await asyncio.wait_for(self._probes[name](), self._timeout)
        except TimeoutError:
            log.warning("readiness probe timed out", probe=name, seconds=self._timeout)
            return "timeout"
        except Exception:
            log.warning("readiness probe failed", probe=name, exc_info=True)
            return "failed"
        return "ok" if passed else "failed"


def add_observability_routes(
    app: web.Application,
    metrics: Metrics,
    probes: Mapping[str, Probe] | None = None,
    refresh: Refresh | None = None,
    probe_timeout: float = 3.0,
) -> web.Application:
    """Add the three routes to ``app`` (the webhook's, when the ports match); returns ``app``."""
    endpoints = Endpoints(metrics, probes or {}, refresh, probe_timeout)
    app.router.add_get(METRICS_PATH, endpoints.metrics)
    app.router.add_get(HEALTH_PATH, endpoints.health)
    app.router.add_get(READY_PATH, endpoints.ready)
    return app


def observability_app(
    metrics: Metrics,
    probes: Mapping[str, Probe] | None = None,
    refresh: Refresh | None = None,
    probe_timeout: float = 3.0,
) -> web.Application:
    """An application serving only the three routes."""
    return add_observability_routes(web.Application(), metrics, probes, refresh, probe_timeout)


async def start_server(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Listen on ``host:port`` (port 0: any free one, see ``bound_port``); ``cleanup()`` stops."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port the runner's first site listens on (useful after asking for port 0)."""
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    raise RuntimeError("the server listens on no TCP port")
