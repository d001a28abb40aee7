"""Working days (工作日) for the appeal window: Monday to Friday. Pure. (Public holidays and the make-up
working weekends (调休) are not known to the system: a window is counted on weekdays alone.)"""

from datetime import date, timedelta


def add_working_days(start: date, days: int) -> date:
    """The last day of a window of `days` working days counted after `start` (the day of feedback itself
    does not count): Friday 2026-12-04 + 10 → Friday 2026-12-18; Saturday + 1 → Monday."""
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day
