"""The batch job: a large disbursement batch made in the background through the page's command (the
same batch, once per key, its progress recorded, nothing left when cancelled, a school's job never
paying another school's pupils); the kind is started from the batch page only."""
import threading
import uuid

import pytest
from sqlalchemy import update

from app.commands import batch_jobs, disbursement, funds
from app.commands.jobs import cancel_job
from app.errors import NotFound
from app.extensions import db
from app.jobs.runner import execute
from app.models import (
    AidItem,
    DisbursementBatch,
    DisbursementLine,
    Job,
    JobStatus,
    LineStatus,
    User,
)
from app.runner import run
from app.security.scope import scope_for
from tests.context import context
from tests.factories import current_term, make_entitlement, make_fund_account, make_household, make_student

PUPILS = 5
WAIT_SECONDS = 60  # a bound for a busy machine: the threads end as soon as their work does


class Funded:
    """Five entitled pupils of the school with payee accounts (one in the other school), an allocation
    covering them; the district's officer and the school's."""

    def __init__(self, session, place):
        self.session, self.place = session, place
        self.school_id, self.other_school_id = place.school.id, place.other_school.id
        self.school_user_id = session.query(User.id).filter_by(username="school1").scalar()
        self.item_id = session.query(AidItem.id).filter_by(code="living_subsidy").scalar()
        self.term_id = current_term(session).id
        account = make_fund_account(session, place.school.district)
        for n, school in enumerate([place.school] * PUPILS + [place.other_school]):
            household = make_household(session, district=place.school.district, payee_name="王建国",
                                       bank_account=f"62170000123456{n:05d}")
            make_entitlement(session, make_student(session, school=school, household=household),
                             tier="special" if n % 2 else "general", amount="312.50" if n % 2 else "250.00")
        session.commit()
        district = self.district()
        run(district, funds.receive, account.id, amount="10000.00")
        for school_id in (self.school_id, self.other_school_id):
            run(district, lambda ctx, s=school_id: funds.allocate(ctx, account.id, school_id=s,
                                                                  aid_item_id=self.item_id, term_id=self.term_id,
                                                                  amount="4000.00"))

    def _user(self, username: str):
        """The user as stored now (a run of the worker ends the session the test's objects were in)."""
        return self.session.query(User).filter_by(username=username).one()

    def district(self):
        return context(self.session, self.place.district_scope, user=self._user("district"))

    def school(self):
        user = self._user("school1")
        return context(self.session, scope_for(user, self.session), user=user)

    def where(self, school_id: int | None = None) -> dict:
        return {"term_id": self.term_id, "aid_item_id": self.item_id, "school_id": school_id or self.school_id}

    def start(self, ctx=None, key=None, **where) -> Job:
        """The job queued (not run) by the page's command."""
        job = run(ctx or self.school(), batch_jobs.start_batch_job, idempotency_key=key or uuid.uuid4().hex,
                  per_user=5, **(where or self.where()))
        assert isinstance(job, Job)
        return job

    def job(self, job_id: int) -> Job:
        self.session.expire_all()
        return self.session.get(Job, job_id)


@pytest.fixture
def funded(session, place, app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_CHUNK_ROWS", 2)  # three chunks of lines
    monkeypatch.setitem(app.config, "JOBS_PROGRESS_INTERVAL", 0)
    return Funded(session, place)


def _lines(session, batch_id: int) -> list[tuple]:
    return sorted(session.query(DisbursementLine.student_id, DisbursementLine.amount, DisbursementLine.tier_id,
                                DisbursementLine.payee_name, DisbursementLine.bank_account)
                  .filter(DisbursementLine.batch_id == batch_id).all())


def test_the_job_makes_the_batch_the_page_makes(funded, session):
    inline = run(funded.school(), disbursement.create_batch, idempotency_key=uuid.uuid4().hex, **funded.where())
    made_inline = (inline.line_count, inline.total, _lines(session, inline.id))
    run(funded.school(), disbursement.withdraw, inline.id, reason="made again by the job")
    job = funded.start()
    execute(job.id)
    job = funded.job(job.id)
    assert job.status is JobStatus.SUCCEEDED, (job.error_code, job.error_detail)
    batch = session.get(DisbursementBatch, job.summary["batch_id"])
    assert (batch.line_count, batch.total, _lines(session, batch.id)) == made_inline
    assert batch.line_count == PUPILS and batch.school_id == funded.school_id
    assert batch.created_by_fk == funded.school_user_id and job.result_rows == PUPILS
    assert job.summary == {"batch_id": batch.id, "lines": PUPILS, "total": str(batch.total)}


def test_progress_is_the_lines_written(funded, session):
    job = funded.start()
    execute(job.id)
    job = funded.job(job.id)
    assert (job.status, job.rows_done, job.rows_total) == (JobStatus.SUCCEEDED, PUPILS, PUPILS)


def test_create_batch_reports_progress_between_chunks_only_when_asked(funded, session):
    seen = []
    batch = run(funded.school(), disbursement.create_batch, idempotency_key=uuid.uuid4().hex,
                progress=lambda done, total: seen.append((done, total)), chunk=2, **funded.where())
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)] and batch.line_count == 5
    assert len(_lines(session, batch.id)) == 5


def test_the_same_key_run_twice_makes_one_batch(funded, session):
    key = uuid.uuid4().hex
    first = funded.start(key=key)
    twin = Job(kind=batch_jobs.KIND, user_id=funded.school_user_id, params=dict(first.params),
               status=JobStatus.QUEUED, school_id=funded.school_id)  # a duplicate delivery or a restart
    session.add(twin)
    session.commit()
    ids = [first.id, twin.id]
    for job_id in ids:
        execute(job_id)
    done = [funded.job(job_id) for job_id in ids]
    assert [j.status for j in done] == [JobStatus.SUCCEEDED] * 2
    assert done[0].summary["batch_id"] == done[1].summary["batch_id"]
    assert session.query(DisbursementBatch).count() == 1 and session.query(DisbursementLine).count() == PUPILS
    again = run(funded.school(), batch_jobs.start_batch_job, idempotency_key=key, per_user=5, **funded.where())
    assert isinstance(again, DisbursementBatch) and again.id == done[0].summary["batch_id"]


def test_two_jobs_of_one_key_at_once_make_one_batch(app, funded, session):
    key = uuid.uuid4().hex
    jobs = [funded.start(key=key)]
    jobs.append(Job(kind=batch_jobs.KIND, user_id=funded.school_user_id, params=dict(jobs[0].params),
                    status=JobStatus.QUEUED, school_id=funded.school_id))
    session.add(jobs[1])
    session.commit()
    ids = [j.id for j in jobs]
    barrier, errors = threading.Barrier(len(ids)), []

    def worker(job_id: int) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=WAIT_SECONDS)
                execute(job_id)
        except Exception as err:  # reported below, in the test's thread
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert not errors and not any(t.is_alive() for t in threads)
    done = [funded.job(i) for i in ids]
    assert [j.status for j in done] == [JobStatus.SUCCEEDED] * 2, [(j.error_code, j.error_detail) for j in done]
    assert len({j.summary["batch_id"] for j in done}) == 1
    assert session.query(DisbursementBatch).count() == 1 and session.query(DisbursementLine).count() == PUPILS


def test_a_job_of_the_same_key_still_waiting_is_answered_instead_of_a_second(funded, session):
    key = uuid.uuid4().hex
    first = funded.start(key=key)
    assert funded.start(key=key).id == first.id and session.query(Job).count() == 1


def test_cancelled_before_it_starts_leaves_nothing(funded, session):
    job_id = funded.start().id
    run(funded.school(), cancel_job, job_id)
    execute(job_id)
    assert funded.job(job_id).status is JobStatus.CANCELLED
    assert session.query(DisbursementBatch).count() == 0 and session.query(DisbursementLine).count() == 0


def test_cancelled_while_it_runs_leaves_nothing(funded, session, monkeypatch):
    """The owner presses cancel once the job has started: the next progress report stops it and the
    batch's transaction is undone. (On SQLite the press waits while the lines are being written, the
    batch holding the one write lock; it is seen at the report after the lines are planned.)"""
    from app.jobs import batches

    def cancel_then_create(ctx, **kwargs):
        with db.engine.begin() as conn:
            conn.execute(update(Job).values(cancel_requested=True))
        return disbursement.create_batch(ctx, **kwargs)

    monkeypatch.setattr(batches, "create_batch", cancel_then_create)
    job_id = funded.start().id
    execute(job_id)
    assert funded.job(job_id).status is JobStatus.CANCELLED
    assert session.query(DisbursementBatch).count() == 0 and session.query(DisbursementLine).count() == 0


def test_a_school_cannot_start_a_batch_job_for_another_school(funded, session):
    with pytest.raises(NotFound):
        funded.start(**funded.where(funded.other_school_id))
    assert session.query(Job).count() == 0


def test_a_school_users_job_never_makes_another_schools_batch(funded, session):
    """Parameters naming another school (a job row written by hand) fail under the owner's scope."""
    params = {**funded.where(funded.other_school_id), "idempotency_key": uuid.uuid4().hex}
    job = Job(kind=batch_jobs.KIND, user_id=funded.school_user_id, params=params, status=JobStatus.QUEUED,
              school_id=funded.school_id)
    session.add(job)
    session.commit()
    execute(job.id)
    job = funded.job(job.id)
    assert (job.status, job.error_code) == (JobStatus.FAILED, "refused")
    assert session.query(DisbursementBatch).count() == 0
    district_job = funded.start(funded.district(), **funded.where(funded.other_school_id))
    execute(district_job.id)  # the district may
    assert funded.job(district_job.id).status is JobStatus.SUCCEEDED
    assert session.query(DisbursementLine).filter_by(status=LineStatus.PENDING).count() == 1


def test_the_kind_is_not_offered_on_the_jobs_page_nor_by_job_start(funded, client, login, jwt):
    login("school1")
    assert "disbursement_batch" not in client.get("/jobmodelview/list/").get_data(as_text=True)
    assert client.get("/jobs/new/disbursement_batch").status_code == 404
    resp = client.post("/api/v1/job/start/disbursement_batch", json={}, headers=jwt("school1"))
    assert resp.status_code == 404
