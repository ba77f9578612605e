"""Configuration: every ZAVHOZ_ variable is read; a bad value stops with one line naming it."""

from datetime import date, time
from pathlib import Path

import pytest

from zavhoz.application.settings import RegistrationMode
from zavhoz.domain.ids import UserId
from zavhoz.main.settings import ConfigurationError, LogFormat, Settings, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ZAVHOZ_ variable from the developer's shell, no .env from the checkout."""
    import os

    for name in list(os.environ):
        if name.startswith("ZAVHOZ_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_the_defaults_run_the_embedded_setup() -> None:
    settings = load_settings()
    assert settings.bot_token is None
    assert settings.database_url == "sqlite+aiosqlite:///./zavhoz.db"
    assert settings.redis_url is None
    assert settings.webhook_url is None
    assert settings.registration is RegistrationMode.OPEN
    assert settings.default_locale == "ru"
    assert settings.log_format is LogFormat.JSON
    calendar = settings.calendar()
    assert (calendar.day_start, calendar.day_end) == (time(8), time(18))
    assert calendar.working_days == frozenset(range(5))
    assert not calendar.always_on


def test_every_variable_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    values = {
        "BOT_TOKEN": " 123456:AAE-abc_DEF ",
        "ADMIN_IDS": "111, 222,333",
        "DATABASE_URL": "postgresql+asyncpg://zavhoz:secret@db/zavhoz",
        "REDIS_URL": "redis://127.0.0.1:6379/2",
        "TELEGRAM_API_URL": "http://127.0.0.1:8081",
        "WEBHOOK_URL": "https://bot.example.org/telegram/webhook",
        "WEBHOOK_SECRET": "s3cret_-token",
        "WEBHOOK_HOST": "127.0.0.1",
        "WEBHOOK_PORT": "8443",
        "WEBHOOK_PATH": "/hook",
        "METRICS_HOST": "0.0.0.0",
        "METRICS_PORT": "9100",
        "SENTRY_DSN": "https://key@o1.ingest.sentry.io/1",
        "ENVIRONMENT": "staging",
        "LOG_LEVEL": "debug",
        "LOG_FORMAT": "console",
        "TIMEZONE": "Asia/Yekaterinburg",
        "WORKING_DAYS": "mon-sat",
        "WORKING_HOURS": "09:00-17:30",
        "HOLIDAYS": "2026-01-07, 2026-03-09",
        "REGISTRATION": "approval",
        "NOTIFY_EXECUTORS": "true",
        "REQUIRE_COMPLETION_PHOTO": "1",
        "DEFAULT_LOCALE": "en",
    }
    for name, value in values.items():
        monkeypatch.setenv(f"ZAVHOZ_{name}", value)

    settings = load_settings()

    assert settings.bot_token is not None
    assert settings.bot_token.get_secret_value() == "123456:AAE-abc_DEF"
    assert settings.admin_ids == frozenset({111, 222, 333})
    assert settings.webhook_port == 8443
    assert settings.metrics_port == 9100
    assert settings.log_level == "DEBUG"
    assert settings.log_format is LogFormat.CONSOLE
    assert settings.default_locale == "en"
    workflow = settings.workflow()
    assert workflow.admin_ids == frozenset({UserId(111), UserId(222), UserId(333)})
    assert workflow.registration is RegistrationMode.APPROVAL
    assert workflow.notify_executors
    assert workflow.require_completion_photo
    calendar = workflow.calendar
    assert str(calendar.timezone) == "Asia/Yekaterinburg"
    assert calendar.working_days == frozenset(range(6))
    assert (calendar.day_start, calendar.day_end) == (time(9), time(17, 30))
    assert calendar.holidays == frozenset({date(2026, 1, 7), date(2026, 3, 9)})


def test_a_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "ZAVHOZ_BOT_TOKEN=42:from-dotenv\nZAVHOZ_ADMIN_IDS=7\nZAVHOZ_REDIS_URL=\n", encoding="utf-8"
    )
    settings = load_settings()
    assert settings.bot_token is not None
    assert settings.bot_token.get_secret_value() == "42:from-dotenv"
    assert settings.admin_ids == frozenset({7})
    assert settings.redis_url is None, "an empty value means unset"


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("1-5", {0, 1, 2, 3, 4}),
        ("mon,wed,fri", {0, 2, 4}),
        ("sat-mon", {5, 6, 0}),
        ("Monday-Saturday", {0, 1, 2, 3, 4, 5}),
        ("7", {6}),
    ],
)
def test_working_days(monkeypatch: pytest.MonkeyPatch, days: str, expected: set[int]) -> None:
    monkeypatch.setenv("ZAVHOZ_WORKING_DAYS", days)
    assert load_settings().calendar().working_days == frozenset(expected)


@pytest.mark.parametrize(
    ("hours", "start", "end"),
    [
        ("08:00-18:00", time(8), time(18)),
        ("7:30 - 16:00", time(7, 30), time(16)),
        ("00:00-24:00", time(0), time(23, 59, 59)),
    ],
)
def test_working_hours(monkeypatch: pytest.MonkeyPatch, hours: str, start: time, end: time) -> None:
    monkeypatch.setenv("ZAVHOZ_WORKING_HOURS", hours)
    calendar = load_settings().calendar()
    assert (calendar.day_start, calendar.day_end) == (start, end)


def test_round_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZAVHOZ_WORKING_HOURS", "24/7")
    assert load_settings().calendar().always_on


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("BOT_TOKEN", "not-a-token", "@BotFather"),
        ("ADMIN_IDS", "111,boss", "'boss' is not a Telegram id"),
        ("DATABASE_URL", "postgresql://db/zavhoz", "postgresql+asyncpg://"),
        ("DATABASE_URL", "::nonsense::", "sqlite+aiosqlite:///"),
        ("REDIS_URL", "127.0.0.1:6379", "redis://"),
        ("TELEGRAM_API_URL", "localhost:8081", "http://"),
        ("WEBHOOK_URL", "bot.example.org/hook", "https://"),
        ("WEBHOOK_SECRET", "has spaces!", "A-Z, a-z, 0-9"),
        ("WEBHOOK_PORT", "eighty", "integer"),
        ("WEBHOOK_PORT", "70000", "65535"),
        ("WEBHOOK_PATH", "hook", "starts with /"),
        ("METRICS_PORT", "0", "greater than or equal to 1"),
        ("SENTRY_DSN", "dsn", "https://"),
        ("LOG_LEVEL", "LOUD", "DEBUG, INFO"),
        ("LOG_FORMAT", "xml", "'json' or 'console'"),
        ("TIMEZONE", "Mars/Olympus", "unknown time zone"),
        ("WORKING_DAYS", "funday", "unknown day"),
        ("WORKING_DAYS", ",", "at least one working day"),
        ("WORKING_HOURS", "9-17", "HH:MM-HH:MM"),
        ("WORKING_HOURS", "18:00-08:00", "end after it starts"),
        ("WORKING_HOURS", "08:00-25:00", "hours are 00-24"),
        ("WORKING_HOURS", "08:00-24:30", "hours are 00-24"),
        ("WORKING_HOURS", "08:61-18:00", "minutes 00-59"),
        ("HOLIDAYS", "2026-13-01", "'2026-13-01' is not a date"),
        ("REGISTRATION", "invite", "'open' or 'approval'"),
        ("NOTIFY_EXECUTORS", "perhaps", "boolean"),
        ("REQUIRE_COMPLETION_PHOTO", "sometimes", "boolean"),
        ("DEFAULT_LOCALE", "de", "ru|en"),
    ],
)
def test_a_bad_value_stops_with_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, says: str
) -> None:
    monkeypatch.setenv(f"ZAVHOZ_{variable}", value)
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith(f"ZAVHOZ_{variable}: ")
    assert says in message
    assert "\n" not in message


def test_settings_can_be_made_in_code_for_tests() -> None:
    settings = Settings(bot_token="1:x", admin_ids="5, 6")  # type: ignore[arg-type]
    assert settings.admin_ids == frozenset({5, 6})
    listed = Settings(admin_ids=[7, "8"], holidays=["2026-05-01"])  # type: ignore[arg-type]
    assert listed.admin_ids == frozenset({7, 8})
    assert listed.holidays == frozenset({date(2026, 5, 1)})
