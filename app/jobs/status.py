"""How a job is shown: percent, rows, time left, and why it failed, in the user's language."""
from datetime import timedelta

from flask import current_app
from flask_babel import format_timedelta, gettext
from flask_babel import lazy_gettext as _l

from app.clock import clock_of
from app.commands.list_exports import EXPIRED as APPROVAL_EXPIRED
from app.jobs.kinds import KINDS
from app.labels import enum_label
from app.models import Job, JobStatus

WAITING_HINT_AFTER = timedelta(seconds=20)
FAILURES = {
    "internal": _l("An unexpected error stopped the job. Start it again; if it happens again, "
                   "tell the system administrator the job number %(id)s."),
    "interrupted": _l("The job was interrupted several times (the job worker stopped) and was "
                      "given up. Start it again."),
    "unknown_kind": _l("This kind of job no longer exists."),
}


def _now():
    """Now on the app's clock (the one heartbeats are stamped with)."""
    return clock_of(current_app).now()


def kind_label(kind: str) -> str:
    """The translated name of a job kind."""
    found = KINDS.get(kind)
    return str(found.label) if found else kind


def has_result(job: Job) -> bool:
    """A finished job whose result file is still on record."""
    return job.status == JobStatus.SUCCEEDED and bool(job.result_file)


def percent(job: Job) -> int | None:
    """Share done, 0–100; None while the total is unknown."""
    if job.status == JobStatus.SUCCEEDED:
        return 100
    if not job.rows_total:
        return None
    return min(100, int(job.rows_done * 100 / job.rows_total))


def seconds_left(job: Job) -> int | None:
    """Estimated seconds to go from the rate so far; None when it cannot be told yet."""
    if job.status != JobStatus.RUNNING or not job.started_at or not job.rows_total or not job.rows_done:
        return None
    spent = (_now() - job.started_at).total_seconds()
    rate = job.rows_done / spent if spent > 0 else 0
    return int((job.rows_total - job.rows_done) / rate) if rate else None


def stalled(job: Job) -> bool:
    """Running, but its worker has not been heard of for longer than the stale limit."""
    limit = timedelta(seconds=current_app.config["JOBS_STALE_SECONDS"])
    return job.status == JobStatus.RUNNING and (job.heartbeat_at is None or _now() - job.heartbeat_at > limit)


def explanation(job: Job) -> str | None:
    """A sentence for the owner: why it failed, or why it is still waiting."""
    if job.status == JobStatus.FAILED:
        detail = job.error_detail or {}
        if job.error_code == "refused" and "msgid" in detail:
            return gettext(detail["msgid"], **detail.get("values", {}))
        if job.error_code == "refused" and "text" in detail:
            return detail["text"]
        return str(FAILURES.get(job.error_code, FAILURES["internal"])) % {"id": job.id}
    if job.status == JobStatus.CANCELLED and job.error_code == APPROVAL_EXPIRED:
        return gettext("Not approved by the district within %(n)s days: the request has expired. Export "
                       "the list again to ask anew.", n=(job.error_detail or {}).get("days", ""))
    if job.status == JobStatus.WAITING_APPROVAL:
        return gettext("A large export of personal data: it waits for the district's approval and "
                       "starts once approved.")
    if job.status == JobStatus.QUEUED and _now() - (job.queued_at or job.created_on) > WAITING_HINT_AFTER:
        return gettext("Still waiting to start: other jobs may be ahead of it. If it has not "
                       "started after a few minutes, tell the system administrator that the job "
                       "worker may not be running.")
    if stalled(job):
        return gettext("The job worker has stopped answering; the job will start again when the "
                       "worker is back. You can also cancel it.")
    if job.status == JobStatus.RUNNING and job.cancel_requested:
        return gettext("Stopping…")
    return None


def describe(job: Job) -> dict:
    """Everything the job page shows and refreshes, JSON-ready."""
    left = seconds_left(job)
    return {
        "id": job.id,
        "status": job.status.value,
        "status_label": enum_label(job.status),
        "active": job.is_active,
        "stalled": stalled(job),
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": percent(job),
        "seconds_left": left,
        "time_left": format_timedelta(timedelta(seconds=left), threshold=1.0) if left is not None else None,
        "message": explanation(job),
        "summary": job.summary or {},
        "has_file": has_result(job),
    }
