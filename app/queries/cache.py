"""Slow district-wide counts kept for a few minutes (pupils change school rarely)."""
import time

from flask import current_app

_KEPT: dict = {}  # key → (expires at, value); per process


def kept(name: str, session, scope, factory):
    """`factory()` reused for WORKBENCH_CACHE_SECONDS per database and scope (0: always fresh).

    The enrolled pupils of 1 M pupils' schools take ~250 ms to count on PostgreSQL; the
    application counts, which change while people work, are never kept.
    """
    seconds = current_app.config.get("WORKBENCH_CACHE_SECONDS", 0)
    if seconds <= 0:
        return factory()
    key = (name, str(session.get_bind().url), scope)
    now = time.monotonic()  # an expiry, not a time of day: the app's clock plays no part
    hit = _KEPT.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = factory()
    _KEPT[key] = (now + seconds, value)
    return value
