"""Job to-dos on the workbench: failed jobs and data-check problems, only one's own."""
from app.jobs.todos import failed_jobs, pupil_problems, running_jobs
from app.models import Job, JobStatus
from app.security.scope import scope_for
from app.workbench.context import make_context
from tests.context import context


def _ctx(session, user):
    return make_context(context(session, scope_for(user, session), user=user), user)


def test_failed_and_running_jobs_are_counted_for_their_owner_only(session, make_user, app):
    me, other = make_user("me", "Auditor"), make_user("other", "Auditor")
    session.add_all([
        Job(kind="pupil_roster", user_id=me.id, status=JobStatus.FAILED),
        Job(kind="pupil_roster", user_id=me.id, status=JobStatus.RUNNING),
        Job(kind="pupil_roster", user_id=other.id, status=JobStatus.FAILED),
    ])
    session.commit()
    with app.test_request_context():
        assert failed_jobs(_ctx(session, me)).count == 1
        assert running_jobs(_ctx(session, me)).count == 1
        assert "status" in failed_jobs(_ctx(session, me)).url


def test_latest_data_check_problems_become_a_todo_linking_to_the_job(session, make_user, app):
    me = make_user("checker", "Auditor")
    assert pupil_problems(_ctx(session, me)) is None
    old = Job(kind="pupil_check", user_id=me.id, status=JobStatus.SUCCEEDED, summary={"problems": 9})
    new = Job(kind="pupil_check", user_id=me.id, status=JobStatus.SUCCEEDED, summary={"problems": 4})
    session.add_all([old, new])
    session.commit()
    with app.test_request_context():
        found = pupil_problems(_ctx(session, me))
    assert found.count == 4 and found.url.endswith(f"/jobs/{new.id}")
