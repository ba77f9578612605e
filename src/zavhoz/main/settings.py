"""Configuration from the environment and ``.env``: the ZAVHOZ_ variables of ARCHITECTURE.md."""

import re
from collections.abc import Mapping
from datetime import date, time
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from zavhoz.application.org_settings import ORG_KEYS, BadSetting, refuse_unknown
from zavhoz.application.settings import RegistrationMode, WorkflowSettings
from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.ids import UserId

_DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_CLOCK_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_HOURS = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_DATABASES = {("sqlite", "aiosqlite"), ("postgresql", "asyncpg")}
ALWAYS_ON = "24/7"


class LogFormat(StrEnum):
    JSON = "json"
    CONSOLE = "console"


def _items(raw: object) -> list[str]:
    if isinstance(raw, list | tuple):
        return [str(item) for item in raw]
    return [part.strip() for part in str(raw or "").split(",") if part.strip()]


def _day(token: str) -> int:
    token = token.strip().lower()
    if token.isdigit() and 1 <= int(token) <= len(_DAY_NAMES):
        return int(token) - 1
    if token[:3] in _DAY_NAMES:
        return _DAY_NAMES.index(token[:3])
    raise ValueError(f"unknown day {token!r}: use 1-7 (Monday is 1) or mon..sun")


def _days(spec: str) -> frozenset[int]:
    days: set[int] = set()
    for part in _items(spec):
        first, _, last = part.partition("-")
        start, end = _day(first), _day(last or first)
        days.update(range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)])
    return frozenset(days)


_SOURCES = SettingsConfigDict(
    env_prefix="ZAVHOZ_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
)


class Settings(BaseSettings):
    model_config = _SOURCES

    bot_token: SecretStr | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    database_url: str = "sqlite+aiosqlite:///./zavhoz.db"
    redis_url: str | None = None
    telegram_api_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_path: str = "/telegram/webhook"
    metrics_host: str = "127.0.0.1"
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    sentry_dsn: SecretStr | None = None
    environment: str = "production"
    log_level: str = "INFO"
    log_format: LogFormat = LogFormat.JSON
    timezone: str = "Europe/Moscow"
    working_days: str = "mon-fri"
    working_hours: str = "08:00-18:00"
    holidays: Annotated[frozenset[date], NoDecode] = frozenset()
    registration: RegistrationMode = RegistrationMode.OPEN
    notify_executors: bool = False
    require_completion_photo: bool = False
    default_locale: str = Field(default="ru", pattern="^(ru|en)$")
    notify_rate: float = Field(default=25.0, gt=0, le=1000)
    notify_max_attempts: int = Field(default=12, ge=1, le=100)
    sla_scan_seconds: int = Field(default=60, ge=1, le=86400)
    cache_seconds: float = Field(default=60.0, ge=0, le=3600)
    digest_time: time = time(8)
    run_worker: bool = True

    @field_validator(
        "bot_token",
        "redis_url",
        "telegram_api_url",
        "webhook_url",
        "webhook_secret",
        "metrics_port",
        "sentry_dsn",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, raw: object) -> object:
        """``ZAVHOZ_REDIS_URL=`` in ``.env`` means "not set", not "an empty address"."""
        return None if isinstance(raw, str) and not raw.strip() else raw

    @field_validator("bot_token")
    @classmethod
    def _check_token(cls, token: SecretStr | None) -> SecretStr | None:
        if token is not None and not _TOKEN.fullmatch(token.get_secret_value().strip()):
            raise ValueError("not a bot token: @BotFather gives one like 123456789:AAE...")
        return SecretStr(token.get_secret_value().strip()) if token is not None else None

    @field_validator("webhook_secret")
    @classmethod
    def _check_secret(cls, secret: SecretStr | None) -> SecretStr | None:
        if secret is not None and not _SECRET.fullmatch(secret.get_secret_value()):
            raise ValueError("use 1-256 characters A-Z, a-z, 0-9, _ and -")
        return secret

    @field_validator("telegram_api_url", "webhook_url", "sentry_dsn")
    @classmethod
    def _check_http(cls, url: str | SecretStr | None) -> str | SecretStr | None:
        value = url.get_secret_value() if isinstance(url, SecretStr) else url
        if value is not None and not re.fullmatch(r"https?://[^\s/]+\S*", value):
            raise ValueError("expected an http:// or https:// address")
        return url

    @field_validator("redis_url")
    @classmethod
    def _check_redis(cls, url: str | None) -> str | None:
        if url is not None and not re.match(r"(rediss?|unix)://", url):
            raise ValueError("expected redis://host:port/db (or rediss://, unix://)")
        return url

    @field_validator("database_url")
    @classmethod
    def _check_database(cls, url: str) -> str:
        try:
            parsed = make_url(url)
        except ArgumentError:
            parsed = None
        if (
            parsed is None
            or (parsed.get_backend_name(), parsed.get_driver_name()) not in _DATABASES
        ):
            raise ValueError(
                "expected sqlite+aiosqlite:///path/to/zavhoz.db "
                "or postgresql+asyncpg://user:password@host/database"
            )
        return url

    @field_validator("webhook_path")
    @classmethod
    def _check_path(cls, path: str) -> str:
        if not path.startswith("/"):
            raise ValueError("the path starts with /, e.g. /telegram/webhook")
        return path

    @field_validator("log_level")
    @classmethod
    def _check_level(cls, level: str) -> str:
        if level.upper() not in _LOG_LEVELS:
            raise ValueError(f"use one of {', '.join(_LOG_LEVELS)}")
        return level.upper()

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_ids(cls, raw: object) -> frozenset[int]:
        items = _items(raw)
        wrong = [item for item in items if not item.lstrip("-").isdigit()]
        if wrong:
            raise ValueError(f"{wrong[0]!r} is not a Telegram id: list numbers, e.g. 123456789")
        return frozenset(int(item) for item in items)

    @field_validator("holidays", mode="before")
    @classmethod
    def _parse_holidays(cls, raw: object) -> frozenset[date]:
        days = set()
        for item in _items(raw):
            try:
                days.add(date.fromisoformat(item))
            except ValueError:
                raise ValueError(
                    f"{item!r} is not a date: use YYYY-MM-DD, e.g. 2026-01-07"
                ) from None
        return frozenset(days)

    @field_validator("digest_time", mode="before")
    @classmethod
    def _parse_digest_time(cls, raw: object) -> object:
        if isinstance(raw, time):
            return raw
        match = _CLOCK_TIME.fullmatch(str(raw).strip())
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise ValueError(f"{raw!r} is not a time of day: use HH:MM, e.g. 08:00")
        return time(int(match.group(1)), int(match.group(2)))

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r}, e.g. Europe/Moscow") from None
        return name

    @field_validator("working_days")
    @classmethod
    def _check_days(cls, spec: str) -> str:
        if not _days(spec):
            raise ValueError("name at least one working day, e.g. mon-fri")
        return spec

    @field_validator("working_hours")
    @classmethod
    def _check_hours(cls, spec: str) -> str:
        if spec.strip() != ALWAYS_ON:
            opens, closes = _hours(spec)
            if closes <= opens:
                raise ValueError("the day must end after it starts, e.g. 08:00-18:00")
        return spec

    def calendar(self) -> WorkingCalendar:
        if self.working_hours.strip() == ALWAYS_ON:
            return WorkingCalendar(always_on=True, timezone=ZoneInfo(self.timezone))
        opens, closes = _hours(self.working_hours)
        return WorkingCalendar(
            timezone=ZoneInfo(self.timezone),
            day_start=opens,
            day_end=closes,
            working_days=_days(self.working_days),
            holidays=self.holidays,
        )

    def workflow(self) -> WorkflowSettings:
        return WorkflowSettings(
            calendar=self.calendar(),
            registration=self.registration,
            admin_ids=frozenset(UserId(i) for i in self.admin_ids),
            notify_executors=self.notify_executors,
            require_completion_photo=self.require_completion_photo,
            per_organization=EnvironmentOrgSettings(self).workflow,
        )


def _hours(spec: str) -> tuple[time, time]:
    match = _HOURS.fullmatch(spec.strip())
    if not match:
        raise ValueError("use HH:MM-HH:MM, e.g. 08:00-18:00, or 24/7")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if (h2, m2) == (24, 0):
        h2, m2 = 23, 59  # the end of the day; the seconds follow below
    try:
        opens, closes = time(h1, m1), time(h2, m2)
    except ValueError:
        raise ValueError("hours are 00-24 and minutes 00-59") from None
    return opens, closes.replace(second=59) if match.group(3) == "24" else closes


class _Given(Settings):
    """The same fields and parsers, fed only what it is given (no environment, no ``.env``)."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def written(value: object) -> str:
    """A setting's value as one would write it in ``.env``."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, frozenset):
        return ",".join(sorted(str(item) for item in value))
    return str(value)


class EnvironmentOrgSettings:
    """Organizations' settings laid over the environment's, parsed by ``Settings`` itself."""

    keys = ORG_KEYS

    def __init__(self, environment: Settings) -> None:
        self._settings = environment
        self._parsed: dict[frozenset[tuple[str, str]], WorkflowSettings] = {}

    @property
    def environment(self) -> Mapping[str, str]:
        return {key: written(getattr(self._settings, key)) for key in self.keys}

    def check(self, merged: Mapping[str, str]) -> None:
        self._overlaid(merged)

    def workflow(self, merged: Mapping[str, str]) -> WorkflowSettings:
        key = frozenset(merged.items())
        if key not in self._parsed:  # parsing is ~0.1 ms; an organization's settings rarely change
            self._parsed[key] = self._overlaid(merged).workflow()
        return self._parsed[key]

    def _overlaid(self, merged: Mapping[str, str]) -> Settings:
        refuse_unknown(self.keys, merged)
        try:
            given = _Given.model_validate({**self.environment, **merged})
        except ValidationError as error:
            raise _refusal(error) from None
        return self._settings.model_copy(update={key: getattr(given, key) for key in self.keys})


def _refusal(error: ValidationError) -> BadSetting:
    first = error.errors()[0]
    key = str(first["loc"][0]) if first["loc"] else "settings"
    return BadSetting(key, "invalid", reason=str(first["msg"]).removeprefix("Value error, "))


TOKEN_HELP = (
    "zavhoz: ZAVHOZ_BOT_TOKEN is not set. Get a token from @BotFather in Telegram "
    "(send /newbot, or /mybots → API Token for an existing bot) and put "
    "ZAVHOZ_BOT_TOKEN=<token> into the environment or into a .env file "
    "in the folder you start zavhoz from."
)
"""What `zavhoz run` says when there is no token (the one thing the bot cannot do without)."""


class ConfigurationError(Exception):
    """A bad setting; the message names the variable and says what is expected, on one line."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        variable = "ZAVHOZ_" + str(first["loc"][0]).upper() if first["loc"] else "configuration"
        reason = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigurationError(f"{variable}: {reason}") from None
