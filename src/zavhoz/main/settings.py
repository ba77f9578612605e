"""Configuration from the environment and ``.env``: the ZAVHOZ_ variables of ARCHITECTURE.md."""

import re
from datetime import date, time
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from zavhoz.application.settings import RegistrationMode, WorkflowSettings
from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.ids import UserId

_DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_HOURS = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
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


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ZAVHOZ_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

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

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_ids(cls, raw: object) -> frozenset[int]:
        return frozenset(int(item) for item in _items(raw))

    @field_validator("holidays", mode="before")
    @classmethod
    def _parse_holidays(cls, raw: object) -> frozenset[date]:
        return frozenset(date.fromisoformat(item) for item in _items(raw))

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
        )


def _hours(spec: str) -> tuple[time, time]:
    match = _HOURS.fullmatch(spec.strip())
    if not match:
        raise ValueError("use HH:MM-HH:MM, e.g. 08:00-18:00, or 24/7")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:
        return time(h1, m1), time(h2 % 24, m2) if h2 < 24 else time(23, 59, 59)
    except ValueError:
        raise ValueError("hours are 00-24 and minutes 00-59") from None


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
