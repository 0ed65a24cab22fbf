"""UK local time for people, UTC for storage: interview times are entered and shown in London time."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def from_london(day: date, at: time) -> datetime:
    """A moment entered as a London date and time, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(timezone.utc)


def long_date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.astimezone(LONDON).date()
    return day.strftime("%-d %B %Y")


def short_date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.astimezone(LONDON).date()
    return day.strftime("%-d %b %Y")


def date_and_time(moment: datetime | None) -> str:
    """'3 March 2026 at 2:30pm' in London time (GOV.UK style)."""
    if moment is None:
        return ""
    local = moment.astimezone(LONDON)
    clock = local.strftime("%-I:%M%p").lower().replace(":00", "")
    if local.hour == 12 and local.minute == 0:
        clock = "midday"
    return f"{long_date(local.date())} at {clock}"
