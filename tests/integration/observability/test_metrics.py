"""Metrics over HTTP: a real server on a free loopback port, a flow through the core and the
dispatcher, ``/metrics`` fetched and parsed with prometheus_client's own parser."""

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from copy import deepcopy
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram.fsm.storage.memory import MemoryStorage
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.observability.conftest import joined
from tests.integration.telegram._requests import report, take
from tests.integration.telegram.conftest import ADMIN_ID
from tests.unit.builders import new_request, user
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.observability import (
    MeteredUnitOfWork,
    Metrics,
    bound_port,
    start_server,
)
from zavhoz.adapters.observability.http import Probe
from zavhoz.adapters.persistence.memory import MemoryDatabase, MemoryUnitOfWork
from zavhoz.adapters.persistence.sqlalchemy import create_engine
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import World
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.complete_request import CompleteRequestCommand
from zavhoz.application.use_cases.scan_sla import ScanSla
from zavhoz.domain.catalog import Category, Priority
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.users import Role
from zavhoz.main.container import StartupError, build_container
from zavhoz.main.observability import (
    MetricsServer,
    build_metrics_app,
    database_probe,
    metrics_server,
    storage_probes,
)
from zavhoz.main.settings import Settings

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
Serve = Callable[..., Awaitable[str]]
ANNA, IVAN = 101, 202


def sample(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


async def scrape(base: str) -> Samples:
    async with aiohttp.ClientSession() as http, http.get(f"{base}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        body = await response.text()
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


async def get(url: str) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.json()


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """``await serve(app)``: the app on 127.0.0.1 and a free port; its base URL."""
    runners: list[web.AppRunner] = []

    async def start(app: web.Application) -> str:
        runner = await start_server(app, "127.0.0.1", 0)
        runners.append(runner)
        return f"http://127.0.0.1:{bound_port(runner)}"

    yield start
    for runner in runners:
        await runner.cleanup()


async def ok() -> bool:
    return True


async def test_a_flow_moves_the_counters_and_the_gauges(
    world: World,
    services: Services,
    metered: UnitOfWorkFactory,
    metrics: Metrics,
    db: MemoryDatabase,
    clock: FakeClock,
    workflow: WorkflowSettings,
    serve: Serve,
) -> None:
    app = build_metrics_app(
        metrics, uow_factory=metered, clock=clock, probes={"database": ok}, refresh_every=0
    )
    base = await serve(app)
    before = await scrape(base)
    assert (
        sample(before, "zavhoz_requests_created_total", priority="high", category="plumbing") == 0
    )
    assert sample(before, "zavhoz_notifications_total", outcome="sent") == 0

    # people talk to the bot: five updates through the real dispatcher
    await joined(world, ADMIN_ID, "Админ")
    anna = await joined(world, ANNA)
    ivan = await joined(world, IVAN, "Иван")
    db.users[UserId(IVAN)].role = Role.EXECUTOR
    await anna.send("📋 Мои заявки")
    await anna.press_data("nonsense")  # a forged button: handled by the fallback

    # the core works: two requests, one taken and completed
    leak = await report(services, anna, priority=Priority.HIGH, category=Category.PLUMBING)
    door = await report(
        services, anna, priority=Priority.LOW, category=Category.DOORS_LOCKS_SECURITY
    )
    await take(services, ivan, leak)
    await services.complete(
        CompleteRequestCommand(
            actor_id=UserId(IVAN), request_id=RequestId(leak.id), report="Готово"
        )
    )

    # the worker delivers: of the messages queued, one of each outcome
    async with metered() as uow:
        claimed = await uow.deliveries.claim(clock.now(), 4, timedelta(minutes=1))
        await uow.commit()
    assert len(claimed) == 4
    async with metered() as uow:
        await uow.deliveries.sent(claimed[0].id, clock.now())
        await uow.deliveries.sent(claimed[1].id, clock.now())
        await uow.deliveries.retry(claimed[2].id, clock.now() + timedelta(minutes=1), "5xx")
        await uow.deliveries.dead(claimed[3].id, "gave up")
        await uow.commit()

    # the day goes by: the low-priority door reaches SLA checkpoints
    clock.advance(days=3)
    alerts = await ScanSla(metered, clock, workflow)()
    assert {a.request_id for a in alerts} == {RequestId(door.id)}
    async with metered() as uow:
        backlog = await uow.deliveries.backlog(clock.now())

    after = await scrape(base)
    assert sample(after, "zavhoz_updates_total", kind="message", outcome="handled") == 4
    assert sample(after, "zavhoz_updates_total", kind="callback_query", outcome="handled") == 1
    assert sample(after, "zavhoz_update_duration_seconds_count", kind="message") == 4
    assert sample(after, "zavhoz_requests_created_total", priority="high", category="plumbing") == 1
    assert (
        sample(
            after, "zavhoz_requests_created_total", priority="low", category="doors_locks_security"
        )
        == 1
    )
    assert sample(after, "zavhoz_request_transitions_total", action="taken") == 1
    assert sample(after, "zavhoz_request_transitions_total", action="completed") == 1
    assert sample(after, "zavhoz_request_transitions_total", action="rejected") == 0
    assert sample(after, "zavhoz_notifications_total", outcome="sent") == 2
    assert sample(after, "zavhoz_notifications_total", outcome="retry") == 1
    assert sample(after, "zavhoz_notifications_total", outcome="dead") == 1
    assert sample(after, "zavhoz_notifications_total", outcome="dropped") == 0
    reached = sum(
        sample(after, "zavhoz_sla_alerts_total", level=level, priority="low")
        for level in ("warning", "breach", "escalation")
    )
    assert reached == len(db.requests[RequestId(door.id)].sla_alerts_sent) > 0
    assert sample(after, "zavhoz_sla_alerts_total", level="breach", priority="high") == 0
    assert sample(after, "zavhoz_outbox_pending") == backlog > 0
    assert sample(after, "zavhoz_open_requests", status="open", priority="low") == 1
    assert sample(after, "zavhoz_open_requests", status="open", priority="high") == 0
    assert sample(after, "zavhoz_open_requests", status="in_progress", priority="high") == 0
    assert sample(after, "zavhoz_build_info", version="test", environment="test") == 1


async def test_a_failing_update_is_counted_as_an_error(
    world: World, services: Services, metrics: Metrics, serve: Serve
) -> None:
    base = await serve(build_metrics_app(metrics))
    anna = await joined(world, ANNA)

    class Broken:
        async def __call__(self, *args: object, **kwargs: object) -> object:
            raise RuntimeError("database is down")

    object.__setattr__(services, "my_requests", Broken())
    await anna.send("📋 Мои заявки")
    samples = await scrape(base)
    assert sample(samples, "zavhoz_updates_total", kind="message", outcome="handled") == 1
    assert sample(samples, "zavhoz_updates_total", kind="message", outcome="error") == 1


async def test_nothing_is_counted_without_a_commit(db: MemoryDatabase, metrics: Metrics) -> None:
    def counted(outcome: str) -> float | None:
        return metrics.registry.get_sample_value("zavhoz_notifications_total", {"outcome": outcome})

    async with MeteredUnitOfWork(MemoryUnitOfWork(db), metrics) as uow:
        await uow.deliveries.sent(1, FakeClock().now())  # and then no commit
    assert counted("sent") == 0

    class Refusing(MemoryUnitOfWork):
        async def commit(self) -> None:
            raise RuntimeError("conflict")

    async with MeteredUnitOfWork(Refusing(db), metrics) as refusing:
        await refusing.deliveries.dead(1, "x")
        with pytest.raises(RuntimeError):
            await refusing.commit()
    assert counted("dead") == 0

    async with MeteredUnitOfWork(MemoryUnitOfWork(db), metrics) as uow:
        await uow.deliveries.dropped(1, "x")
        await uow.commit()
    assert counted("dropped") == 1  # the same calls, committed, count


async def test_sla_alerts_are_counted_from_the_events_the_request_recorded(
    db: MemoryDatabase, metrics: Metrics, metered: UnitOfWorkFactory
) -> None:
    """Each checkpoint reached counts once at the commit, however often the request is saved and
    whether or not this unit of work loaded it; the stored request keeps no events."""

    def counted() -> dict[str, float | None]:
        name, levels = "zavhoz_sla_alerts_total", ("warning", "breach", "escalation")
        get = metrics.registry.get_sample_value
        return {level: get(name, {"level": level, "priority": "high"}) for level in levels}

    request = new_request(user(ANNA), priority=Priority.HIGH)
    request.pull_events()
    async with metered() as uow:
        await uow.requests.add(request)
        await uow.commit()
    async with metered() as uow:
        loaded = await uow.requests.get(request.id)
        assert loaded is not None
        loaded.due_alerts(loaded.respond_by)  # warning and breach
        await uow.requests.save(loaded)
        await uow.requests.save(loaded)
        await uow.commit()
    assert counted() == {"warning": 1, "breach": 1, "escalation": 0}
    assert db.requests[request.id].sla_events == []

    unloaded = deepcopy(db.requests[request.id])
    assert unloaded.next_alert_at is not None
    assert [c.key for c in unloaded.due_alerts(unloaded.next_alert_at)] == ["respond:escalation"]
    async with metered() as uow:
        await uow.requests.save(unloaded)
        await uow.commit()
    assert counted() == {"warning": 1, "breach": 1, "escalation": 1}


async def test_health_answers_while_readiness_follows_the_probes(
    metrics: Metrics, serve: Serve
) -> None:
    async def raises() -> bool:
        raise ConnectionRefusedError("postgres at 10.0.0.5:5432 refused")

    async def says_no() -> bool:
        return False

    probes: Mapping[str, Probe] = {"database": ok, "worker": ok}
    base = await serve(build_metrics_app(metrics, probes=probes))
    assert await get(f"{base}/healthz") == (200, {"status": "ok"})
    assert await get(f"{base}/readyz") == (
        200,
        {"status": "ready", "checks": {"database": "ok", "worker": "ok"}},
    )

    base = await serve(build_metrics_app(metrics, probes={"database": raises, "worker": says_no}))
    status, body = await get(f"{base}/readyz")
    assert status == 503
    assert body == {"status": "unready", "checks": {"database": "failed", "worker": "failed"}}
    assert await get(f"{base}/healthz") == (200, {"status": "ok"})


async def test_readiness_is_503_when_the_database_is_unreachable(
    metrics: Metrics, serve: Serve, unused_tcp_port: int
) -> None:
    engine = create_engine(f"postgresql+asyncpg://zavhoz:secret@127.0.0.1:{unused_tcp_port}/zavhoz")
    try:
        base = await serve(build_metrics_app(metrics, engine=engine))
        status, body = await get(f"{base}/readyz")
    finally:
        await engine.dispose()
    assert status == 503
    assert body["checks"] == {"database": "failed"}


async def test_readiness_is_200_when_the_database_answers(
    metrics: Metrics, serve: Serve, tmp_path: object
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/zavhoz.db")
    try:
        assert await database_probe(engine)()
        base = await serve(build_metrics_app(metrics, engine=engine))
        status, body = await get(f"{base}/readyz")
    finally:
        await engine.dispose()
    assert (status, body["checks"]) == (200, {"database": "ok"})


async def test_the_routes_join_an_existing_application(metrics: Metrics, serve: Serve) -> None:
    async def webhook(request: web.Request) -> web.Response:
        return web.Response(text="update taken")

    app = web.Application()
    app.router.add_post("/telegram/webhook", webhook)
    build_metrics_app(metrics, app=app, probes={"database": ok})
    base = await serve(app)
    async with aiohttp.ClientSession() as http, http.post(f"{base}/telegram/webhook") as answer:
        assert await answer.text() == "update taken"
    assert (await get(f"{base}/readyz"))[0] == 200
    assert ("zavhoz_outbox_pending", frozenset()) in await scrape(base)


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def test_the_metrics_server_listens_on_its_own_port(
    metrics: Metrics, unused_tcp_port: int
) -> None:
    server = metrics_server(settings(metrics_port=unused_tcp_port), metrics)
    async with server:
        samples = await scrape(f"http://127.0.0.1:{unused_tcp_port}")
        assert ("zavhoz_outbox_pending", frozenset()) in samples
    with pytest.raises(aiohttp.ClientConnectorError):
        await get(f"http://127.0.0.1:{unused_tcp_port}/healthz")


async def test_on_the_webhook_port_the_routes_go_to_the_webhook_app(
    metrics: Metrics, unused_tcp_port: int
) -> None:
    shared = settings(
        webhook_url="https://bot.example.com/telegram/webhook",
        webhook_port=unused_tcp_port,
        metrics_port=unused_tcp_port,
    )
    server: MetricsServer = metrics_server(shared, metrics)
    webhook = web.Application()
    server.attach(webhook)
    async with server:  # listens on nothing itself: the webhook server serves the routes
        assert {r.resource.canonical for r in webhook.router.routes() if r.resource} >= {
            "/metrics",
            "/healthz",
            "/readyz",
        }
    server_alone = metrics_server(settings(), metrics)
    server_alone.attach(webhook := web.Application())
    async with server_alone:
        assert not list(webhook.router.routes())


async def test_a_scrape_still_answers_when_the_gauges_cannot_be_read(
    metrics: Metrics, clock: FakeClock, serve: Serve
) -> None:
    class Down(MemoryUnitOfWork):
        async def __aenter__(self) -> "Down":
            raise ConnectionRefusedError("database is down")

    def factory() -> Down:
        return Down(MemoryDatabase())

    metrics.set_outbox_pending(7)
    base = await serve(build_metrics_app(metrics, uow_factory=factory, clock=clock))
    samples = await scrape(base)
    assert sample(samples, "zavhoz_metrics_refresh_failures_total") == 1
    assert sample(samples, "zavhoz_outbox_pending") == 7  # the last value read


async def test_a_busy_metrics_port_stops_start_up_with_one_line(
    metrics: Metrics, serve: Serve
) -> None:
    base = await serve(web.Application())
    taken = int(base.rsplit(":", 1)[1])
    with pytest.raises(StartupError, match=rf"cannot serve metrics on 127\.0\.0\.1:{taken}"):
        async with metrics_server(settings(metrics_port=taken), metrics):
            pass


async def test_readiness_follows_the_delivery_worker(metrics: Metrics, serve: Serve) -> None:
    class Idle:
        def __init__(self) -> None:
            self.running = False

    background = Idle()
    app = build_metrics_app(metrics, background=background)  # type: ignore[arg-type]
    base = await serve(app)
    assert await get(f"{base}/readyz") == (
        503,
        {"status": "unready", "checks": {"worker": "failed"}},
    )
    background.running = True
    assert (await get(f"{base}/readyz"))[0] == 200


async def test_readiness_asks_the_conversations_redis_when_one_is_configured(
    tmp_path: Path, unused_tcp_port: int
) -> None:
    """The container's endpoints: with ``ZAVHOZ_REDIS_URL`` on a closed port, Redis fails."""
    container = build_container(
        settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'ready.db'}",
            redis_url=f"redis://127.0.0.1:{unused_tcp_port}/0",
            webhook_url="https://bot.example.com/telegram/webhook",
            webhook_port=unused_tcp_port,
            metrics_port=unused_tcp_port,
        )
    )
    try:
        server: MetricsServer = container.metrics_server()
        server.attach(app := web.Application())  # the webhook's port: routes only, no listening
        async with server, TestClient(TestServer(app)) as client:
            response = await client.get("/readyz")
            assert response.status == 503
            assert (await response.json())["checks"]["redis"] == "failed"
    finally:
        await container.storage().close()
        await container.engine().dispose()


def test_without_redis_readiness_has_no_redis_check() -> None:
    assert storage_probes(MemoryStorage()) == {}
