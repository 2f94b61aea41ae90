"""Handing out a finished job's result file: still the owner's to take, in scope, and audited."""
from pathlib import Path

from flask import current_app

from app.context import Context
from app.jobs.kinds import KINDS
from app.jobs.runner import jobs_dir
from app.jobs.status import has_result
from app.models import Job
from app.reports.downloads import XLSX, attachment
from app.runner import run
from app.security import audit
from app.security.request_context import current_context
from app.security.scope import Scope


def _in_scope(job: Job, scope: Scope) -> bool:
    """A result stays the user's only while the job's school or district is still in their scope."""
    if scope.everything:
        return True
    if job.district_id is not None and job.district_id != scope.district_id:
        return False
    return scope.school_id is None or job.school_id == scope.school_id


def take_result(ctx: Context, job: Job, *, may_start_kind: bool) -> Path | None:
    """The result file the acting user may take now, the download audited; None when there is none.

    `may_start_kind`: the user still holds the permission the job's kind needs.
    """
    path = jobs_dir() / (job.result_file or "")
    if not (may_start_kind and has_result(job) and _in_scope(job, ctx.scope) and path.is_file()):
        return None
    audit.record(ctx, audit.EXPORT, entity="job", entity_id=job.id, school_id=job.school_id,
                 detail=f"download {job.result_name}", row_count=job.result_rows)
    return path


def result_for(job: Job) -> Path | None:
    """The result file the signed-in user may take now (pages and the API), or None; the download
    is audited through the runner."""
    kind = KINDS.get(job.kind)
    allowed = kind is not None and current_app.appbuilder.sm.has_access(*kind.permission)
    return run(current_context(), take_result, job, may_start_kind=allowed)


def result_response(job: Job, path: Path):
    """The result file as a download keeping its Chinese name; `zizhu-<kind>-<id>.xlsx` for old clients."""
    fallback = f"zizhu-{job.kind.replace('_', '-')}-{job.id}{path.suffix}"
    return attachment(path, job.result_name, fallback=fallback, mimetype=XLSX if path.suffix == ".xlsx" else None)
