"""A district-sized batch committed chunk by chunk, one chunk written while the next is read
(`Chunks` in app/runner.py): on PostgreSQL two lanes overlap, on SQLite one lane writes in turn; either
way every chunk is its own transaction and the results are those of scoring one by one."""
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import runner as chunks
from app.commands import bulk_steps, identification
from app.commands.batch_scoring import score_submitted
from app.models import Application, ApplicationStatus, AuditEvent
from tests.context import context
from tests.factories import current_term, make_application, make_student


@pytest.fixture
def district(session, place, clock):
    """Seven submitted applications in two schools, and lanes that overlap from the first row."""
    ids = []
    for school in (place.school, place.school, place.school, place.other_school, place.school,
                   place.other_school, place.school):
        ids.append(make_application(session, make_student(session, school=school, household=place.household)).id)
    session.commit()
    ids.append(place.application.id)
    for app_id in ids:
        identification.submit(context(session, place.district_scope, clock=clock), app_id)
    session.commit()
    return sorted(ids)


@pytest.fixture
def lanes(monkeypatch):
    """Every Chunks made, overlapping from the first row (a test district is small)."""
    made = []
    monkeypatch.setattr(chunks, "OVERLAP_FROM", 0)
    original = chunks.Chunks.__init__

    def spy(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(chunks.Chunks, "__init__", spy)
    return made


def _score(session, place, clock, **options) -> dict:
    return score_submitted(context(session, place.district_scope, clock=clock), school_id=None,
                           term_id=current_term(session).id, commit=True, **options)


def _assess_events(session, app_id) -> int:
    return session.query(AuditEvent).filter(
        AuditEvent.action == "workflow", AuditEvent.entity_id == str(app_id),
        AuditEvent.summary.like("assess%")).count()


def _writers() -> list:
    return [t for t in threading.enumerate() if t.name.startswith("bulk-write")]


def test_overlapping_chunks_store_what_scoring_one_by_one_stores(session, place, district, clock, lanes):
    seen = []
    counts = _score(session, place, clock, chunk=2, progress=lambda done, total: seen.append((done, total)))
    assert counts == {"scored": 8, "skipped": {}}
    assert lanes[0].overlapping is (session.get_bind().dialect.name != "sqlite")
    assert seen == [(0, 8), (2, 8), (4, 8), (6, 8), (8, 8)]  # each reported once committed, in order
    session.expire_all()
    for app_id in district:
        app = session.get(Application, app_id)
        assert app.status is ApplicationStatus.SCHOOL_REVIEW and app.score == Decimal(67)
        assert app.version == 3 and _assess_events(session, app_id) == 1
    assert place.standard.first_used_at is not None
    assert not _writers()


def test_each_chunk_is_committed_on_its_own(session, app, place, district, clock, lanes):
    """What a chunk wrote is visible to another connection by the time its progress is reported (the
    next chunk's may be too, when the lanes overlap)."""
    from app.extensions import db

    visible = []

    def progress(done, total):
        with db.engine.connect() as other:
            visible.append((done, other.scalar(select(func.count()).select_from(Application)
                                               .where(Application.score.isnot(None)))))

    _score(session, place, clock, chunk=3, progress=progress)
    assert [done for done, _ in visible] == [0, 3, 6, 8]
    assert all(done <= committed <= min(done + 3, 8) for done, committed in visible), visible


def test_a_failed_write_keeps_the_chunks_before_it_and_writes_none_after_it(session, place, district, clock,
                                                                            lanes, monkeypatch):
    """The second chunk's write fails: the first stays committed, nothing of the second nor of any
    later chunk is written, the error reaches the caller and no writer thread is left behind."""
    original, calls = bulk_steps.BulkStep.write, []

    def failing(step):
        calls.append(len(step.apps))
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        original(step)

    monkeypatch.setattr(bulk_steps.BulkStep, "write", failing)
    with pytest.raises(RuntimeError, match="disk is full"):
        _score(session, place, clock, chunk=2)
    session.rollback()
    session.expire_all()
    scored = [app_id for app_id in district if session.get(Application, app_id).score is not None]
    assert scored == district[:2]
    assert [_assess_events(session, app_id) for app_id in district] == [1, 1, 0, 0, 0, 0, 0, 0]
    assert not _writers()


def test_a_step_taken_during_the_walk_is_seen_by_the_chunk_that_reads_it(session, app, place, district,
                                                                          clock, lanes):
    """While the batch walks, an officer returns an application it has not reached yet (another
    thread, its own session): the batch reads it afresh in its chunk's transaction and leaves it
    returned, with no score and no assess event."""
    from app.extensions import db
    from app.runner import run

    last, errors = district[-1], []

    def officer() -> None:
        try:
            with app.app_context():
                ctx = context(db.session, place.district_scope, clock=clock)
                run(ctx, identification.return_for_correction, last, reason="证明材料不全")
        except Exception as err:  # noqa: BLE001  (reported in the test's thread)
            errors.append(err)

    def progress(done, total):
        if done == 2:
            thread = threading.Thread(target=officer, daemon=True)
            thread.start()
            thread.join(timeout=60)
            assert not thread.is_alive()

    counts = _score(session, place, clock, chunk=2, progress=progress)
    assert not errors, errors
    assert counts["scored"] == 7
    session.expire_all()
    returned = session.get(Application, last)
    assert returned.status is ApplicationStatus.RETURNED and returned.score is None
    assert _assess_events(session, last) == 0
    assert all(_assess_events(session, app_id) == 1 for app_id in district[:-1])


def test_a_school_sized_or_uncommitted_walk_has_one_lane(session, place, district, clock, lanes, monkeypatch):
    monkeypatch.setattr(chunks, "OVERLAP_FROM", 100)
    _score(session, place, clock, chunk=2)
    monkeypatch.setattr(chunks, "OVERLAP_FROM", 0)
    score_submitted(context(session, place.district_scope, clock=clock), school_id=None,
                    term_id=current_term(session).id, chunk=2)
    assert [made.overlapping for made in lanes] == [False, False]


def test_two_overlapping_batches_at_once_score_each_application_once(app, session, place, district, clock, lanes):
    """Two district officers start the batch together, each with two lanes (four transactions): every
    chunk locks its rows in id order, so none waits in a circle, and every application is scored and
    audited once (real threads, each with its own session, bounded)."""
    from app.extensions import db

    barrier, results, errors = threading.Barrier(2, timeout=60), [], []
    term_id = current_term(session).id

    def officer() -> None:
        try:
            with app.app_context():
                barrier.wait()
                ctx = context(db.session, place.district_scope, clock=clock)
                results.append(score_submitted(ctx, school_id=None, term_id=term_id, chunk=2, commit=True))
        except Exception as err:  # noqa: BLE001  (reported in the test's thread)
            errors.append(err)

    threads = [threading.Thread(target=officer, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads) and not errors, errors
    assert sum(r["scored"] for r in results) == len(district)
    session.expire_all()
    for app_id in district:
        assert session.get(Application, app_id).version == 3 and _assess_events(session, app_id) == 1
    assert not _writers()
