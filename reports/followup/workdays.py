"""Working days (工作日) for the appeal window. Pure: Monday to Friday, except the days of the holiday notice
(`calendar`: a day → whether it is worked; bianzhi.selectors.calendar_exceptions reads them)."""

from collections.abc import Mapping
from datetime import date, timedelta


def add_working_days(start: date, days: int, calendar: Mapping[date, bool] | None = None) -> date:
    """The last day of a window of `days` working days counted after `start` (the day of feedback itself
    does not count): Friday 2026-12-04 + 10 → Friday 2026-12-18; Saturday + 1 → Monday; a holiday is skipped
    and a make-up working Saturday counts."""
    calendar = calendar or {}
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if calendar.get(day, day.weekday() < 5):
            left -= 1
    return day
