"""Starting jobs: the per-user limit, a scope is needed; the audit names who started it."""
import pytest

from app.commands.jobs import JobLimitReached, start_job
from app.errors import DomainError
from app.models import AuditEvent, Job, JobStatus
from app.runner import run
from app.security.scope import Scope
from tests.context import context


def test_per_user_limit_counts_only_unfinished_jobs(session, make_user, clock):
    user = make_user("busy", "Auditor")
    ctx = context(session, Scope(everything=True, user_id=user.id), user=user, clock=clock)
    session.add_all([Job(kind="pupil_roster", user_id=user.id, status=s) for s in
                     (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED)])
    session.commit()
    job = run(ctx, start_job, "pupil_roster", {}, per_user=3)
    assert job.queued_at == clock.now()
    event = session.query(AuditEvent).filter_by(action="job", entity_id=str(job.id)).one()
    assert event.username == "busy" and event.summary == "pupil_roster: started"
    with pytest.raises(JobLimitReached):
        run(ctx, start_job, "pupil_roster", {}, per_user=3)


def test_a_user_without_scope_cannot_start_a_job(session, make_user):
    user = make_user("nobody", "SchoolOfficer")
    with pytest.raises(DomainError):
        run(context(session, Scope(user_id=user.id), user=user), start_job, "pupil_roster", {}, per_user=3)
    assert session.query(Job).count() == 0
