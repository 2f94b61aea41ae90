"""The one clock: aware UTC for every stamp, China's local day for every rule about days.

Code that runs a use case reads the time from its context (`ctx.now`, `ctx.today`), which reads it
from the application's clock; tests hand the app a `FixedClock` and move it, never patch a module.
"""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")  # every school of a deployment is in China Standard Time
EXTENSION = "zizhu_clock"


def aware(moment: datetime) -> datetime:
    """`moment` in UTC; a naive value is taken to be UTC already (how older rows were stored)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def local_time(moment: datetime) -> datetime:
    """`moment` as China local time (aware)."""
    return aware(moment).astimezone(LOCAL_ZONE)


def local_day(moment: datetime) -> date:
    """The China day of `moment`."""
    return local_time(moment).date()


def server_local(moment: datetime) -> datetime:
    """`moment` as naive time of the server's zone: how Flask-AppBuilder's own tables (ab_user) keep
    their stamps (it writes `datetime.now()`)."""
    return aware(moment).astimezone().replace(tzinfo=None)


def day_start(day: date) -> datetime:
    """The first instant of a China day, in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_ZONE).astimezone(UTC)


class Clock:
    """The real time."""

    def now(self) -> datetime:
        """Now, aware UTC."""
        return datetime.now(UTC)

    def today(self) -> date:
        """Today in China."""
        return local_day(self.now())


class FixedClock(Clock):
    """A clock that stands still until moved: tests, and a preview of a later day."""

    def __init__(self, moment: datetime):
        self.moment = aware(moment)

    def now(self) -> datetime:
        """The moment it was set to."""
        return self.moment

    def move(self, **delta) -> datetime:
        """Move the clock on (`days=1`, `seconds=30`…); the new moment."""
        self.moment += timedelta(**delta)
        return self.moment

    def set(self, moment: datetime) -> None:
        """Set the clock to `moment` (naive: UTC)."""
        self.moment = aware(moment)

    def set_day(self, day: date, hour: int = 9) -> None:
        """Set the clock to `hour` o'clock of a China day."""
        self.moment = day_start(day) + timedelta(hours=hour)


SYSTEM = Clock()


def clock_of(app) -> Clock:
    """The application's clock (the real one unless a test set another)."""
    return app.extensions.get(EXTENSION, SYSTEM)


def app_clock() -> Clock:
    """The current application's clock (the real clock outside an application)."""
    from flask import current_app, has_app_context

    return clock_of(current_app) if has_app_context() else SYSTEM


def utcnow() -> datetime:
    """Now, aware UTC, on the current application's clock: the default of every stamp column."""
    return app_clock().now()
