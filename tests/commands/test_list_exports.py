"""A school's exports waiting for the district's approval: not counted as running jobs but bounded per
user, refused for approval once too old, and ended by the sweep after EXPORT_APPROVAL_EXPIRES_DAYS."""
import threading
from datetime import timedelta

import pytest

from app.commands.jobs import JobLimitReached, cancel_job, start_job
from app.commands.list_exports import EXPIRED, ApprovalExpired, ApprovalLimitReached
from app.commands.list_exports import approve_list_export as approve
from app.commands.list_exports import expire_waiting_exports as expire
from app.commands.list_exports import start_list_export as start
from app.context import system_context
from app.errors import AlreadyDone
from app.extensions import db
from app.models import AuditEvent, Job, JobStatus, User
from app.runner import run
from app.security.scope import scope_for
from tests.context import context

DAYS = 7
THREADS = 6
WAIT_SECONDS = 60


@pytest.fixture
def people(session, world, make_user, clock):
    """Contexts of school A's officer and of two officers of its district, on the fixed clock."""
    make_user("district_2", "DistrictOfficer", district=world.d)

    def ctx(username):
        user = session.query(User).filter_by(username=username).one()
        return context(session, scope_for(user, session), user=user, clock=clock)

    return ctx


def _ask(ctx, *, per_user=3, waiting_per_user=3, waits=True):
    """One export of 10 rows by `ctx`'s user, waiting for approval unless `waits` is False."""
    return run(ctx, start, {"view": "StudentModelView", "rows": 10}, per_user=per_user, waits=waits,
               waiting_per_user=waiting_per_user)


def _approve(ctx, job_id):
    return run(ctx, approve, job_id, may_approve=True, expires_days=DAYS)


def _status(session, job_id):
    session.expire_all()
    return session.get(Job, job_id).status


def test_exports_waiting_for_approval_do_not_block_the_users_running_jobs(people, session):
    school = people("school_a")
    waiting = [_ask(school) for _ in range(3)]
    assert {job.status for job in waiting} == {JobStatus.WAITING_APPROVAL}
    started = [run(school, start_job, "pupil_roster", {}, per_user=3) for _ in range(3)]
    assert {job.status for job in started} == {JobStatus.QUEUED}
    with pytest.raises(JobLimitReached):  # the running-jobs limit still holds for running jobs
        run(school, start_job, "pupil_roster", {}, per_user=3)
    with pytest.raises(JobLimitReached):  # an export that need not wait is a running job
        _ask(school, waits=False)


def test_one_export_more_than_the_cap_on_waiting_requests_is_refused(people, session):
    school = people("school_a")
    first, _second = _ask(school, waiting_per_user=2), _ask(school, waiting_per_user=2)
    with pytest.raises(ApprovalLimitReached):
        _ask(school, waiting_per_user=2)
    assert session.query(Job).count() == 2
    run(school, cancel_job, first.id)  # a request answered (here: withdrawn) frees its place
    assert _ask(school, waiting_per_user=2).status == JobStatus.WAITING_APPROVAL


def test_an_approved_export_no_longer_counts_as_waiting(people, session):
    school, district = people("school_a"), people("district")
    job = _ask(school, waiting_per_user=1)
    _approve(district, job.id)
    assert _status(session, job.id) != JobStatus.WAITING_APPROVAL
    assert _ask(school, waiting_per_user=1).status == JobStatus.WAITING_APPROVAL


def test_a_request_is_approved_until_its_last_moment_and_refused_from_then_on(people, session, clock):
    school, district = people("school_a"), people("district")
    fresh, old = _ask(school), _ask(school)
    assert fresh.created_on == clock.now()  # stamped by the context's clock
    clock.move(days=DAYS, seconds=-1)
    _approve(district, fresh.id)
    assert _status(session, fresh.id) == JobStatus.QUEUED
    clock.move(seconds=1)
    with pytest.raises(ApprovalExpired):
        _approve(district, old.id)
    assert _status(session, old.id) == JobStatus.WAITING_APPROVAL  # nothing written; the sweep ends it


def test_the_sweep_expires_only_requests_past_their_days(people, session, clock):
    school, district = people("school_a"), people("district")
    old, approved = _ask(school), _ask(school)
    _approve(district, approved.id)  # queued, not run yet: not the sweep's business
    clock.move(days=3)
    young = _ask(school)
    clock.move(days=DAYS - 3)
    assert run(people("district"), expire, DAYS) == 1
    session.expire_all()
    ended = session.get(Job, old.id)
    assert ended.status == JobStatus.CANCELLED and ended.error_code == EXPIRED
    assert ended.finished_at == clock.now() and ended.error_detail == {"days": DAYS}
    assert _status(session, young.id) == JobStatus.WAITING_APPROVAL
    assert _status(session, approved.id) == JobStatus.QUEUED
    event = session.query(AuditEvent).filter_by(action="job", entity_id=str(old.id)).filter(
        AuditEvent.summary.contains("expired")).one()
    assert event.username == "school_a"
    with pytest.raises(ApprovalExpired):
        _approve(district, old.id)
    assert run(people("district"), expire, DAYS) == 0  # once


def test_approving_twice_is_told_as_done(people, session):
    school, district = people("school_a"), people("district")
    job = _ask(school)
    _approve(district, job.id)
    with pytest.raises(AlreadyDone):
        _approve(district, job.id)


def _threads(app, make, work, count):
    """In `count` threads, each in an app context (a session) of its own: `make(i)` (the thread's
    context), then, released together by one barrier, `work(ctx, i)`; the outcomes, sorted."""
    barrier, outcomes, errors = threading.Barrier(count, timeout=WAIT_SECONDS), [], []

    def one(i):
        try:
            with app.app_context():
                try:
                    ctx = make(i)
                    db.session.rollback()  # the reads of `make` end their transaction: `work` starts afresh
                    barrier.wait()
                    outcomes.append(work(ctx, i))
                finally:
                    db.session.remove()
        except Exception as err:  # noqa: BLE001  (reported in the test's thread)
            errors.append(err)

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT_SECONDS * 2)
    assert not any(t.is_alive() for t in threads), "a thread did not finish in time"
    assert not errors, errors
    return sorted(outcomes)


def _own_context(username, clock):
    """A context of `username` on this thread's own session."""
    user = db.session.query(User).filter_by(username=username).one()
    return context(db.session, scope_for(user, db.session), user=user, clock=clock)


def test_requests_racing_for_the_last_place_pass_the_cap_no_further(app, people, session, clock):
    """THREADS requests of one user at once for the one place left (real threads, one session each)."""
    _ask(people("school_a"))

    def ask(ctx, _i):
        try:
            _ask(ctx, waiting_per_user=2)
            return "waiting"
        except ApprovalLimitReached:
            return "refused"

    outcomes = _threads(app, lambda _i: _own_context("school_a", clock), ask, THREADS)
    assert outcomes == ["refused"] * (THREADS - 1) + ["waiting"]
    session.expire_all()
    assert session.query(Job).filter_by(status=JobStatus.WAITING_APPROVAL).count() == 2


def test_two_officers_approving_one_request_at_once_queue_it_once(app, people, session, clock):
    job_id = _ask(people("school_a")).id
    clock.move(days=1)

    def officer(ctx, _i):
        try:
            _approve(ctx, job_id)
            return "approved"
        except AlreadyDone:
            return "done"

    outcomes = _threads(app, lambda i: _own_context(("district", "district_2")[i], clock), officer, 2)
    assert outcomes == ["approved", "done"]
    assert _status(session, job_id) == JobStatus.QUEUED
    assert session.query(AuditEvent).filter(AuditEvent.summary == "list_export: approved").count() == 1


def test_a_request_expiring_while_approved_is_either_approved_or_expired_never_both(app, people, session, clock):
    job_id = _ask(people("school_a")).id
    clock.move(days=DAYS, seconds=-1)  # the approval still in time; the sweep (a second on) past it
    late = type(clock)(clock.now() + timedelta(seconds=1))

    def make(i):
        return system_context(db.session, late) if i else _own_context("district", clock)

    def step(ctx, i):
        if i:
            return "expired" if run(ctx, expire, DAYS) else "none"
        try:
            _approve(ctx, job_id)
            return "approved"
        except ApprovalExpired:
            return "refused"

    outcomes = _threads(app, make, step, 2)
    assert outcomes in (["approved", "none"], ["expired", "refused"])
    session.expire_all()
    job = session.get(Job, job_id)
    assert (job.status, job.error_code) in ((JobStatus.QUEUED, None), (JobStatus.CANCELLED, EXPIRED))
