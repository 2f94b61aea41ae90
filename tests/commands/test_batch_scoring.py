"""Scoring all submitted applications of a school and term at once, directly and as a job."""
from decimal import Decimal

import pytest
from sqlalchemy import inspect

from app.commands import assessing, bulk_steps, identification
from app.commands.batch_scoring import SchoolNotInScope, score_submitted
from app.jobs.runner import execute
from app.models import (
    Application,
    ApplicationStatus,
    AssessmentStandard,
    AuditEvent,
    Job,
    JobStatus,
    StandardStatus,
)
from app.security.scope import Scope
from tests.context import context
from tests.factories import current_term, make_application, make_student


@pytest.fixture
def batch(session, place, clock):
    """Three submitted applications at the school (one already scored), a draft one, and a
    submitted one at the other school."""
    ids = [place.application.id]
    for _ in range(2):
        ids.append(make_application(session, make_student(session, school=place.school,
                                                          household=place.household)).id)
    draft = make_application(session, make_student(session, school=place.school, household=place.household))
    other = make_application(session, make_student(session, school=place.other_school, household=place.household))
    session.commit()
    for app_id in (*ids, other.id):
        identification.submit(context(session, place.district_scope, clock=clock), app_id)
    assessing.score(context(session, place.scope, clock=clock), ids[0])
    session.commit()
    return {"scored": ids[0], "ready": ids[1:], "draft": draft.id, "other": other.id}


def _score(session, scope, clock, school_id, **options) -> dict:
    """score_submitted for the current term, as a user of `scope`, on the clock's time."""
    return score_submitted(context(session, scope, clock=clock), school_id=school_id,
                           term_id=current_term(session).id, **options)


def _app(session, app_id) -> Application:
    session.expire_all()
    return session.get(Application, app_id)


def _workflow_events(session, app_id) -> list[str]:
    return [e.summary for e in session.query(AuditEvent).filter_by(
        action="workflow", entity="application", entity_id=str(app_id)).order_by(AuditEvent.id)]


def test_scores_the_schools_submitted_applications_only(session, place, batch, clock):
    counts = _score(session, place.scope, clock, place.school.id)
    session.commit()
    assert counts == {"scored": 2, "skipped": {"already_scored": 1, "not_submitted": 1}}
    for app_id in batch["ready"]:
        app = _app(session, app_id)
        assert app.status is ApplicationStatus.SCHOOL_REVIEW and app.score == Decimal(67)
        assert app.suggested_tier.code == "relative" and app.standard_version == 1
        assert app.breakdown["lines"][0]["indicator"] == "income_ratio"
        assert _workflow_events(session, app_id) == ["submit", "assess: v1 67"]
    assert _app(session, batch["other"]).status is ApplicationStatus.SUBMITTED
    assert _app(session, batch["draft"]).status is ApplicationStatus.DRAFT


def test_same_result_as_scoring_one_by_one(session, place, batch, clock):
    _score(session, place.scope, clock, None)
    session.commit()
    one, many = _app(session, batch["scored"]), _app(session, batch["ready"][0])
    assert (one.score, one.breakdown, one.suggested_tier_id, one.decided_by) == (
        many.score, many.breakdown, many.suggested_tier_id, many.decided_by)


def test_already_scored_applications_keep_their_version(session, place, batch, clock):
    old = place.standard
    old.status = StandardStatus.RETIRED
    data = dict(old.data, thresholds=[["special", 60], ["relative", 40], ["general", 20]])
    session.add(AssessmentStandard(district_id=old.district_id, school_year_id=old.school_year_id, version=2,
                                   name="v2", data=data, status=StandardStatus.ACTIVE))
    session.commit()
    before = _app(session, batch["scored"]).assessed_on
    _score(session, place.scope, clock, place.school.id)
    session.commit()
    kept = _app(session, batch["scored"])
    assert kept.standard_version == 1 and kept.assessed_on == before
    assert len(_workflow_events(session, batch["scored"])) == 2  # submit, assess: nothing new
    fresh = _app(session, batch["ready"][0])
    assert fresh.standard_version == 2 and fresh.suggested_tier.code == "special"  # 67 ≥ 60 under v2
    again = _score(session, place.scope, clock, place.school.id)
    assert again["scored"] == 0 and again["skipped"]["already_scored"] == 3


def test_district_runs_it_for_every_school(session, place, batch, clock):
    counts = _score(session, place.district_scope, clock, None)
    session.commit()
    assert counts["scored"] == 3 and _app(session, batch["other"]).score == Decimal(67)


def test_class_review_first_when_the_district_asks_for_it(session, place, batch, clock):
    place.standard.data = dict(place.standard.data, parameters={
        **place.standard.data["parameters"], "class_review": True})
    session.commit()
    counts = _score(session, place.scope, clock, place.school.id, chunk=1)
    assert counts["scored"] == 0 and counts["skipped"]["class_review_first"] == 2


def test_a_school_cannot_score_another_school(session, place, batch, clock):
    with pytest.raises(SchoolNotInScope):
        _score(session, place.scope, clock, place.other_school.id)
    outside = Scope(district_id=place.school.district_id + 999)
    with pytest.raises(SchoolNotInScope):
        _score(session, outside, clock, place.school.id)


def test_progress_is_reported_per_chunk(session, place, batch, clock):
    seen = []
    _score(session, place.district_scope, clock, None, progress=lambda done, total: seen.append((done, total)),
           chunk=2)
    assert seen == [(0, 3), (2, 3), (3, 3)]


def test_the_job_kind_runs_through_the_runner(session, app, place, batch, make_user):
    from app.models import User

    user = session.query(User).filter_by(username="school1").one()
    job = Job(kind="score_applications", user_id=user.id, status=JobStatus.QUEUED, params={},
              school_id=place.school.id, district_id=place.school.district_id)
    session.add(job)
    session.commit()
    job_id = inspect(job).identity[0]
    execute(job_id)
    session.expire_all()
    job = session.get(Job, job_id)
    assert job.status is JobStatus.SUCCEEDED, (job.error_code, job.error_detail)
    assert job.summary["scored"] == 2 and job.rows_done == 2
    assert _app(session, batch["ready"][1]).status is ApplicationStatus.SCHOOL_REVIEW
    assert _app(session, batch["other"]).status is ApplicationStatus.SUBMITTED
    events = session.query(AuditEvent).filter(AuditEvent.action == "workflow",
                                              AuditEvent.summary.like("assess%")).all()
    assert {e.username for e in events if e.entity_id != str(batch["scored"])} == {"school1"}


def test_a_class_teacher_may_not_run_the_job(session, app, place, batch, make_user):
    teacher = make_user("teacher", "ClassTeacher", school=place.school, class_names="3年级1班")
    job = Job(kind="score_applications", user_id=teacher.id, status=JobStatus.QUEUED, params={})
    session.add(job)
    session.commit()
    job_id = inspect(job).identity[0]
    execute(job_id)
    session.expire_all()
    assert session.get(Job, job_id).status is JobStatus.FAILED
    assert _app(session, batch["ready"][0]).status is ApplicationStatus.SUBMITTED


def test_batch_scoring_audits_the_steps_only_as_single_scoring_does(session, place, clock):
    """A standard's first use is part of the step: neither path writes an event of its own for it."""
    apps = [make_application(session, make_student(session, school=place.school, household=place.household)).id
            for _ in range(2)]
    session.commit()
    for app_id in apps:
        identification.submit(context(session, place.scope, clock=clock), app_id)
    session.commit()
    assert _score(session, place.scope, clock, place.school.id)["scored"] >= 2
    session.commit()
    assert session.query(AssessmentStandard).filter(AssessmentStandard.first_used_at.isnot(None)).count() == 1
    assert session.query(AuditEvent).filter_by(entity="assessment_standard", action="update").count() == 0


def test_two_batch_scorings_of_one_school_at_once_score_each_application_once(app, session, place, batch, clock):
    """Two officers press "score all" together: chunks lock their rows, so every application is scored
    and audited once, on SQLite and on PostgreSQL (real threads, each with its own session)."""
    import threading

    from app.extensions import db
    from app.runner import run

    barrier, results, errors = threading.Barrier(2, timeout=60), [], []
    term_id, school_id = current_term(session).id, place.school.id

    def work() -> None:
        try:
            with app.app_context():
                barrier.wait()
                ctx = context(db.session, place.scope, clock=clock)
                results.append(run(ctx, lambda c: score_submitted(c, school_id=school_id, term_id=term_id,
                                                                  progress=lambda done, total: c.session.commit(),
                                                                  chunk=1)))
        except Exception as err:  # noqa: BLE001  (reported in the test's thread)
            errors.append(err)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(t.is_alive() for t in threads) and not errors, errors
    assert sum(r["scored"] for r in results) == len(batch["ready"])
    session.expire_all()
    for app_id in batch["ready"]:
        assert _app(session, app_id).status is ApplicationStatus.SCHOOL_REVIEW
        assert _app(session, app_id).version == 3  # created, submitted, scored: one write per step
        assert len([s for s in _workflow_events(session, app_id) if s.startswith("assess")]) == 1


def _shapes(session, place, clock) -> list:
    """Households of different shapes (a deceased father, an absent mother, an orphan with a working
    guardian, a special group, a sudden event, a big income), each with two pupils."""
    from datetime import timedelta

    from app.models import HukouType, Presence, Relation, SpecialGroup, WorkAbility
    from tests.factories import make_household, make_member

    district, school = place.school.district, place.school
    shapes = []
    for members, extra in (
        ([dict(relation=Relation.FATHER, presence=Presence.DECEASED, annual_income=Decimal("100000")),
          dict(relation=Relation.MOTHER, name="李秀英", annual_income=Decimal("6000"))], {}),
        ([dict(relation=Relation.FATHER, annual_income=Decimal("9000")),
          dict(relation=Relation.MOTHER, name="李秀英", presence=Presence.MISSING, annual_income=Decimal("0"))],
         dict(hukou_type=HukouType.RURAL, lives_rural=True)),
        ([dict(relation=Relation.GUARDIAN, name="王叔", annual_income=Decimal("30000"))], {}),
        ([dict(relation=Relation.FATHER, work_ability=WorkAbility.NONE, annual_income=Decimal("0"))],
         dict(sudden_event_on=clock.today() - timedelta(days=30), sudden_event="火灾")),
        ([dict(relation=Relation.FATHER, annual_income=Decimal("250000"))], {}),
    ):
        household = make_household(session, district=district, school_id=school.id, **extra)
        for member in members:
            make_member(session, household, **member)
        shapes.append(household)
    shapes[-1].special_groups.append(session.query(SpecialGroup).order_by(SpecialGroup.id).first())
    pairs = []
    for household in shapes:
        pairs.append([make_application(session, make_student(session, school=school, household=household)).id
                      for _ in range(2)])
    session.commit()
    return pairs


def _stored(session, app_id) -> tuple:
    """What scoring stored on an application, and its scoring event, but for the application itself."""
    app = _app(session, app_id)
    event = session.query(AuditEvent).filter_by(action="workflow", entity="application", entity_id=str(app_id)) \
        .order_by(AuditEvent.id.desc()).first()
    return (app.status, app.score, app.breakdown, app.standard_id, app.standard_version, app.suggested_tier_id,
            app.final_tier_id, app.decided_by, app.assessed_on, app.version, app.changed_by_fk,
            event.summary, event.old_values, event.new_values, event.username, event.user_id, event.school_id,
            event.occurred_at)


def test_batch_stores_exactly_what_scoring_one_by_one_stores(session, place, clock, make_user):
    """For households of every shape, the application scored in the batch holds the same result,
    version, stamps and audit event as its twin scored alone on its page (same user, same moment,
    each through the runner)."""
    from app.commands.assessing import score
    from app.runner import run

    pairs = _shapes(session, place, clock)
    officer = make_user("batcher", "SchoolOfficer", school=place.school)
    for pair in pairs:
        for app_id in pair:
            run(context(session, place.scope, clock=clock), identification.submit, app_id)
    ctx = context(session, place.scope, user=officer, clock=clock)
    for alone, _batched in pairs:
        run(ctx, score, alone)
    counts = run(ctx, score_submitted, school_id=place.school.id, term_id=current_term(session).id)
    assert counts["scored"] == len(pairs)
    results = set()
    for alone, batched in pairs:
        assert _stored(session, batched) == _stored(session, alone)
        results.add(_app(session, batched).score)
    assert len(results) == len(pairs)  # the shapes score differently: the comparison covers each


def test_a_row_changed_after_it_was_read_is_not_overwritten(session, place, batch, clock):
    """transition_many writes every application on the version it read: one changed meanwhile
    refuses the whole chunk (StaleDataError) and nothing of it is written."""
    from sqlalchemy.orm.exc import StaleDataError

    from app.commands.batch_scoring import Rules, _candidates, _where

    ctx = context(session, place.scope, clock=clock)
    apps = _candidates(ctx, _where(session, place.scope, place.school.id, current_term(session).id), "submitted", 0, 10)
    assert [a.id for a in apps] == batch["ready"]
    session.execute(bulk_steps.APPLICATION.update().where(bulk_steps.APPLICATION.c.id == apps[1].id)
                    .values(version=bulk_steps.APPLICATION.c.version + 1, reason="changed meanwhile"))
    values = Rules(session).applied(place.standard, apps[0].snapshot_facts, ctx.now)[0]
    with pytest.raises(StaleDataError):
        bulk_steps.transition_many(ctx, apps, "assess", lambda app: values)
    session.rollback()
    for app_id in batch["ready"]:
        assert _app(session, app_id).status is ApplicationStatus.SUBMITTED and _app(session, app_id).score is None


def test_submission_stores_the_facts_record_of_its_snapshot(session, place, batch):
    from app.services.facts import facts_record

    for app_id in batch["ready"]:
        app = _app(session, app_id)
        assert app.snapshot_facts == facts_record(app.household_snapshot)


def test_a_missing_or_older_facts_record_is_made_again_from_the_snapshot(session, place, batch, clock):
    """Applications submitted before the record existed (none) or under older facts rules (another
    version) are scored from their snapshots, exactly as scoring one alone."""
    import json

    first, second = batch["ready"]
    record = json.loads(_app(session, first).snapshot_facts)
    older = json.dumps([record[0] - 1, "999999", *record[2:]])  # other rules, and facts that would score 0
    table = bulk_steps.APPLICATION
    session.execute(table.update().where(table.c.id == first).values(snapshot_facts=None))
    session.execute(table.update().where(table.c.id == second).values(snapshot_facts=older))
    session.commit()
    assert _score(session, place.scope, clock, place.school.id)["scored"] == 2
    session.commit()
    alone = _app(session, batch["scored"])
    for app_id in (first, second):
        app = _app(session, app_id)
        assert (app.score, app.breakdown, app.suggested_tier_id) == (alone.score, alone.breakdown,
                                                                    alone.suggested_tier_id)


def test_transition_many_of_orm_objects_leaves_them_reading_what_was_written(session, place, batch, clock):
    """ORM applications given to transition_many are expired once written: read again, they hold the
    new status, values and version, not what the session held before."""
    ctx = context(session, place.scope, clock=clock)
    apps = [session.get(Application, app_id) for app_id in batch["ready"]]
    before = [app.version for app in apps]
    values = {"score": Decimal("12.50"), "decided_by": "score"}
    bulk_steps.transition_many(ctx, apps, "assess", lambda app: values, detail="v1 12.50")
    assert [app.status for app in apps] == [ApplicationStatus.SCHOOL_REVIEW] * 2
    assert [app.score for app in apps] == [Decimal("12.50")] * 2
    assert [app.version for app in apps] == [v + 1 for v in before]


def test_every_scorable_status_is_walked_chunk_by_chunk(session, place, batch, clock):
    """The walk goes one scorable status at a time: applications waiting in each of them (submitted,
    class review recorded, at school review without a score) are all scored, whatever the chunk."""
    table = bulk_steps.APPLICATION
    first, second = batch["ready"]
    session.execute(table.update().where(table.c.id == first).values(status="class_review"))
    session.execute(table.update().where(table.c.id == second).values(status="school_review"))
    session.commit()
    seen = []
    counts = _score(session, place.district_scope, clock, None, chunk=1,
                    progress=lambda done, total: seen.append((done, total)))
    session.commit()
    assert counts["scored"] == 3 and seen[0] == (0, 3) and seen[-1] == (3, 3)
    for app_id in (first, second, batch["other"]):
        assert _app(session, app_id).score == Decimal(67)
        assert _app(session, app_id).status is ApplicationStatus.SCHOOL_REVIEW
