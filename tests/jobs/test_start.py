"""Starting jobs: the per-user limit, a scope is needed, kinds must exist."""
import pytest

from app.errors import DomainError
from app.commands.jobs import JobLimitReached, start_job
from app.models import Job, JobStatus
from app.security.scope import Scope


def test_per_user_limit_counts_only_unfinished_jobs(session, make_user):
    user = make_user("busy", "Auditor")
    scope = Scope(everything=True, user_id=user.id)
    session.add_all([Job(kind="pupil_roster", user_id=user.id, status=s) for s in
                     (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED)])
    session.commit()
    start_job(session, user_id=user.id, username="busy", scope=scope, kind="pupil_roster",
              params={}, per_user=3)
    with pytest.raises(JobLimitReached):
        start_job(session, user_id=user.id, username="busy", scope=scope, kind="pupil_roster",
                  params={}, per_user=3)


def test_a_user_without_scope_cannot_start_a_job(session, make_user):
    user = make_user("nobody", "SchoolOfficer")
    with pytest.raises(DomainError):
        start_job(session, user_id=user.id, username="nobody", scope=Scope(user_id=user.id),
                  kind="pupil_roster", params={}, per_user=3)


def test_unknown_kind_is_refused(session, make_user):
    user = make_user("someone", "Auditor")
    with pytest.raises(DomainError):
        start_job(session, user_id=user.id, username="someone", scope=Scope(everything=True),
                  kind="no_such_kind", params={}, per_user=3)
