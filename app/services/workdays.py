"""Working days (工作日) for notices and objection deadlines: weekends and holidays off, make-up days on."""
from datetime import date, timedelta


def is_working_day(day: date, holidays: frozenset = frozenset(), workdays: frozenset = frozenset()) -> bool:
    """Monday–Friday unless a holiday; a weekend day the state made a working day (调休) counts."""
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def next_working_day(day: date, holidays: frozenset = frozenset(), workdays: frozenset = frozenset()) -> date:
    """`day` itself when it is a working day, else the next one."""
    while not is_working_day(day, holidays, workdays):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, count: int, holidays: frozenset = frozenset(),
                     workdays: frozenset = frozenset()) -> date:
    """The last day of a period of `count` working days that begins on `start` (or the next working day).

    add_working_days(Monday, 5) is that Friday; a period of 1 day ends on its first working day.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    day = next_working_day(start, holidays, workdays)
    for _ in range(count - 1):
        day = next_working_day(day + timedelta(days=1), holidays, workdays)
    return day


def working_days_between(first: date, last: date, holidays: frozenset = frozenset(),
                         workdays: frozenset = frozenset()) -> int:
    """Working days from `first` to `last`, both included (0 when last < first)."""
    days, day = 0, first
    while day <= last:
        days += is_working_day(day, holidays, workdays)
        day += timedelta(days=1)
    return days


def official_days(calendar: dict, years) -> tuple[list[str], list[str]]:
    """Holidays and make-up working days (ISO dates, sorted) of `years` in the official calendar
    (seed/holidays.json as data: {"years": {"2026": {"periods": [{"days": […]}…], "workdays": […]}}});
    a year the calendar does not hold adds nothing."""
    holidays, workdays = set(), set()
    for year in sorted(set(years)):
        entry = (calendar.get("years") or {}).get(str(year))
        if entry is None:
            continue
        holidays.update(day for period in entry.get("periods") or () for day in period["days"])
        workdays.update(entry.get("workdays") or ())
    return sorted(holidays), sorted(workdays)
