"""Dates and durations as people read them: «26.11, 14:05», «до 27.11, 12:00 (осталось 3 ч)»."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from zavhoz.adapters.telegram.i18n import Texts


def moment(t: Texts, when: datetime, now: datetime, zone: ZoneInfo) -> str:
    local = when.astimezone(zone)
    fields = {"day": local.day, "month": local.month, "year": local.year}
    if local.year == now.astimezone(zone).year:
        return t("date.this_year", hour=local.hour, minute=local.minute, **fields)
    return t("date.older", **fields)


def duration(t: Texts, span: timedelta) -> str:
    """Whole hours from an hour on, minutes below it."""
    minutes = max(1, int(span.total_seconds() // 60))
    if minutes >= 60:
        return t("hours_short", n=minutes // 60)
    return t("minutes_short", n=minutes)


def deadline(t: Texts, due: datetime, now: datetime, zone: ZoneInfo) -> str:
    when = moment(t, due, now, zone)
    if due < now:
        return t("card.deadline_late", when=when, late=duration(t, now - due))
    return t("card.deadline_left", when=when, left=duration(t, due - now))
