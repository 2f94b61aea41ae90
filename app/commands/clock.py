"""Local (China) time for the commands: stamps are naive UTC, days people see are local days."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def local_time(now: datetime) -> datetime:
    """A naive UTC time as naive local time."""
    return now.replace(tzinfo=UTC).astimezone(LOCAL_ZONE).replace(tzinfo=None)


def local_day(now: datetime) -> date:
    """The local (China) day of a naive UTC time."""
    return local_time(now).date()
