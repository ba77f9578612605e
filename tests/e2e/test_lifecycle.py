"""The whole life of requests through the real ``zavhoz run`` process and the Bot API emulator.

Two staff members, an executor (promoted with ``zavhoz users promote``) and the admin play a
request through create-with-photo → push to the admin → take → hold → resume → complete with a
photo → the author told → rated; a second one is rejected, a third reopened by its author. The
process is SIGKILLed right after the second request is created, while its push to the admin is
still on its way, and started again: nothing is lost. SIGTERM ends it cleanly.
"""

import asyncio
import os
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update

from tests.e2e.conftest import BotProcess, environment
from tests.e2e.emulator import Emulator, User, wait_until
from zavhoz.adapters.persistence.sqlalchemy import create_engine
from zavhoz.adapters.persistence.sqlalchemy.tables import history, outbox, requests

ANNA, BORIS, IVAN, BOSS = 101, 102, 201, 9001
POSTGRES_URL = os.environ.get("ZAVHOZ_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("ZAVHOZ_TEST_REDIS_URL")


# --- steps --------------------------------------------------------------------------------


async def tap(person: User, label: str, expect: str) -> str:
    mark = person.emulator.mark()
    await person.press(label)
    return (await person.wait_for(expect, mark)).text


async def file_request(person: User, description: str, photo: str | None = None) -> int:
    """The wizard from «📝 Новая заявка» to «✅ Отправить»; the new request's number."""
    await person.say("📝 Новая заявка", "Где проблема?")
    await person.say("Каб. 305", "Что случилось?")
    await tap(person, "Сантехника", "Опишите проблему")
    await person.say(description, "Насколько срочно?")
    await tap(person, "Обычный", "Фото и документы")
    if photo:
        await person.wait_for("Фото 1 из 10", person.send_photo(photo))
        await tap(person, "Готово", "Проверьте заявку")
    else:
        await tap(person, "Пропустить", "Проверьте заявку")
    accepted = await tap(person, "Отправить", "принята")
    found = re.search(r"Заявка №(\d+) принята", accepted)
    assert found, accepted
    return int(found.group(1))


async def complete(ivan: User, number: int, report: str, photo: str | None = None) -> None:
    await tap(ivan, "Выполнено", "от 3 до 2000 символов")
    if photo:
        await ivan.wait_for("Отчёт записан", ivan.send_photo(photo, caption=report))
    else:
        await ivan.say(report, "Отчёт записан")
    await tap(ivan, "Готово", f"Заявка №{number} выполнена")


async def open_card(ivan: User, number: int, timeout: float = 60) -> None:
    """«🛠 Очередь» → «🔍 Поиск» → the number. A promotion reaches the running bot within its
    user cache's lifetime (10 s), so until the queue answers it is asked again."""
    waited = 0.0
    while True:
        try:
            await ivan.wait_for_button("Поиск", ivan.send("🛠 Очередь"), timeout=3)
            break
        except AssertionError:
            waited += 3
            if waited >= timeout:
                raise
    await tap(ivan, "Поиск", "Напишите номер заявки")
    await ivan.say(str(number), f"Заявка №{number}")


def delivered_photos(person: User) -> set[str]:
    return {file_id for received in person.received for file_id in received.media}


# --- the database -------------------------------------------------------------------------


async def read_db(database_url: str) -> dict[str, Any]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(requests.c.id, requests.c.status, requests.c.rating).order_by(requests.c.id)
            )
            found = {int(r.id): (r.status, r.rating) for r in rows}
            rows = await connection.execute(
                select(history.c.request_id, history.c.kind).order_by(history.c.id)
            )
            kinds: dict[int, list[str]] = {}
            for row in rows:
                kinds.setdefault(int(row.request_id), []).append(row.kind)
            rows = await connection.execute(
                select(
                    outbox.c.recipient_id, outbox.c.template, outbox.c.state, outbox.c.request_id
                ).order_by(outbox.c.id)
            )
            messages = [(int(r.recipient_id), r.template, r.state, r.request_id) for r in rows]
    finally:
        await engine.dispose()
    return {"requests": found, "history": kinds, "outbox": messages}


async def let_leases_run_out(database_url: str) -> int:
    """What two minutes would do: a message the killed process had claimed is due again.

    The lease (120 s, not configurable) hides a claimed message from other workers; the killed
    worker will never send it, so it comes back when the lease ends. The test moves that end.
    """
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(
                update(outbox)
                .where(outbox.c.state == "sending")
                .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
            )
            return result.rowcount
    finally:
        await engine.dispose()


async def all_sent(database_url: str, timeout: float = 60) -> dict[str, Any]:
    state: dict[str, Any] = {}

    async def check() -> bool:
        state.update(await read_db(database_url))
        return all(message[2] == "sent" for message in state["outbox"])

    deadline = timeout
    while not await check():
        deadline -= 0.5
        assert deadline > 0, f"undelivered: {[m for m in state['outbox'] if m[2] != 'sent']}"
        await asyncio.sleep(0.5)
    return state


# --- the scenario -------------------------------------------------------------------------


async def play(emulator: Emulator, bot: BotProcess, database_url: str) -> None:
    anna = emulator.user(ANNA, "Анна")
    boris = emulator.user(BORIS, "Борис")
    ivan = emulator.user(IVAN, "Иван")
    boss = emulator.user(BOSS, "Завхоз")

    await bot.start()
    for person in (anna, boris, ivan, boss):
        await person.say("/start", f"Здравствуйте, {person.name}!", timeout=60)
    code, out = await bot.cli("users", "promote", str(IVAN))
    assert code == 0, out
    assert "now executor" in out

    # 1: created with a photo, pushed to the admin, taken, held, resumed, completed, rated.
    first = await file_request(anna, "Течёт кран в туалете", photo="ph-anna-1")
    await boss.wait_for(f"🆕 Заявка №{first}")

    await open_card(ivan, first)
    mark = emulator.mark()
    assert await ivan.press("Взять") == "Взято в работу"
    await anna.wait_for(f"Заявка №{first} взята в работу", mark)
    await tap(ivan, "Отложить", "от 3 до 500 символов")
    mark = ivan.send("Ждём   прокладку")
    await ivan.wait_for(f"Заявка №{first} отложена", mark)
    await anna.wait_for(f"Заявка №{first} отложена", mark)
    await ivan.wait_for_button("Продолжить", mark)  # replies to one chat are spaced
    assert await ivan.press("Продолжить") == "Работа возобновлена"
    await anna.wait_for(f"Заявка №{first} снова в работе", mark)
    mark = emulator.mark()
    await complete(ivan, first, "Заменил прокладку", photo="ph-ivan-1")
    await anna.wait_for(f"Заявка №{first} выполнена", mark)
    await wait_until(
        lambda: "ph-ivan-1" in delivered_photos(anna), 30, "the completion photo to the author"
    )
    assert await anna.press("★★★★★") == "Спасибо за оценку ★★★★★!"

    # 2: SIGKILL right after it is created, its push to the admin on its way.
    emulator.hold_chats.add(BOSS)
    second = await file_request(boris, "Не закрывается окно")
    killed_at = emulator.mark()
    await bot.kill()
    emulator.release_held(deliver=False)  # the killed process never learnt it was sent
    after_kill = await read_db(database_url)
    assert after_kill["history"][second] == ["created"]
    assert (BOSS, "request_created", second) in {(m[0], m[1], m[3]) for m in after_kill["outbox"]}
    await let_leases_run_out(database_url)
    await bot.start()
    await boss.wait_for(f"🆕 Заявка №{second}", killed_at, timeout=60)

    # SIGKILL while two people's updates are fetched but not yet handled (their replies held):
    # neither was confirmed to Telegram, so the restarted bot gets and answers both. First every
    # earlier update is handled and confirmed (the restart may still be answering Борис's last
    # press again, which holding his chat would leave unconfirmed too).
    await wait_until(lambda: emulator.unconfirmed == 0, 30, "earlier updates confirmed")
    emulator.hold_chats.update({ANNA, BORIS})
    unhandled, held = emulator.mark(), len(emulator.held)
    anna.send("/start")
    boris.send("/start")
    await wait_until(lambda: len(emulator.held) >= held + 2, 30, "both updates in handling")
    await bot.kill()
    emulator.release_held(deliver=False)
    assert emulator.unconfirmed == 2, "a fetched update stays unconfirmed until handled"
    await bot.start()
    await anna.wait_for("Здравствуйте, Анна!", unhandled, timeout=60)
    await boris.wait_for("Здравствуйте, Борис!", unhandled, timeout=60)

    # ... rejected by the admin on the push.
    await tap(boss, "Отклонить", "Заявитель увидит причину")
    mark = boss.send("Не наша зона ответственности")
    await boris.wait_for(f"Заявка №{second} отклонена", mark)

    # 3: completed, then reopened by its author on the push.
    third = await file_request(boris, "Искрит розетка у доски")
    await open_card(ivan, third)
    assert await ivan.press("Взять") == "Взято в работу"
    mark = emulator.mark()
    await complete(ivan, third, "Заменил розетку")
    await boris.wait_for(f"Заявка №{third} выполнена", mark)
    await tap(boris, "Не исправлено", "что не исправлено?")
    mark = boris.send("Всё так же искрит")
    await boris.wait_for(f"Заявка №{third} возвращена в работу", mark)
    await ivan.wait_for(f"Заявка №{third} возвращена в работу", mark)

    # Nothing lost: every request, history entry and notification is there and was delivered.
    state = await all_sent(database_url)
    assert state["requests"] == {
        first: ("completed", 5),
        second: ("rejected", None),
        third: ("in_progress", None),
    }
    assert state["history"] == {
        first: ["created", "taken", "put_on_hold", "resumed", "completed", "rated"],
        second: ["created", "rejected"],
        third: ["created", "taken", "completed", "reopened"],
    }
    for recipient, template, _, number in state["outbox"]:
        if number is None:
            continue  # the daily digest: "sent" above means the emulator accepted it
        person = emulator.user(recipient, "")
        assert any(f"№{number}" in r.text for r in person.received), (recipient, template)

    code, seconds = await bot.terminate()
    assert code == 0, bot.output()
    assert seconds < 10
    assert "Traceback" not in bot.output()
    assert emulator.violations == []
    assert emulator.unanswered() == []


# --- SQLite, memory FSM -------------------------------------------------------------------


async def test_the_lifecycle_survives_sigkill_on_sqlite(emulator: Emulator, tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'zavhoz.db'}"
    bot = BotProcess(tmp_path, environment(emulator, database_url, BOSS), emulator)
    try:
        await play(emulator, bot, database_url)
    finally:
        await bot.close()


# --- PostgreSQL, Redis FSM ----------------------------------------------------------------


@pytest.fixture
async def postgres_database() -> AsyncIterator[str]:
    """A database of its own on the test server, dropped afterwards."""
    if not (POSTGRES_URL and REDIS_URL):
        pytest.skip("set ZAVHOZ_TEST_POSTGRES_URL and ZAVHOZ_TEST_REDIS_URL to run this on them")
    name = f"zavhoz_e2e_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, query = POSTGRES_URL.partition("?")
    url = base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else "")
    try:
        yield url
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def test_the_lifecycle_survives_sigkill_on_postgres_and_redis(
    postgres_database: str, tmp_path: Path
) -> None:
    from redis.asyncio import Redis

    assert REDIS_URL
    bot_id = 700_000_000 + uuid.uuid4().int % 100_000_000  # the FSM keys: zavhoz:<bot id>:…
    async with Emulator(f"{bot_id}:E2E-token") as emulator:
        settings = environment(emulator, postgres_database, BOSS, ZAVHOZ_REDIS_URL=REDIS_URL)
        settings["ZAVHOZ_BOT_TOKEN"] = emulator.token
        bot = BotProcess(tmp_path, settings, emulator)
        redis = Redis.from_url(REDIS_URL)
        try:
            await play(emulator, bot, postgres_database)
        finally:
            await bot.close()
            keys = [key async for key in redis.scan_iter(f"zavhoz:{bot_id}:*")]
            if keys:
                await redis.delete(*keys)
            await redis.aclose()
