"""Identification at district scale: batch scoring of every application and the assessment page.

Seeds (or reuses, --reuse) a district with bench/run.py's prepare(), gives every pupil with a
household a submitted application with its snapshot taken, then times the batch scoring of the
whole district and the median GET of one application's assessment page (district officer).
Usage:
    python bench/assessment.py [--pupils 100000] [--schools 200] [--runs 15] [--reuse] [--check] [--no-job]
        [--database-url postgresql://…]
--check then recomputes every application's result as scoring it alone would and compares it with
what the batch stored (and counts one "assess" event each); --no-job skips timing the job (which
submits and scores the whole district a second time).
"""
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import PASSWORD, QueryCounter, measure, parse_args, prepare  # noqa: E402

CHUNK = 5000


def _plain(session, statement) -> list:
    """Rows of a Core statement as objects with attributes (what take_snapshot reads)."""
    return [SimpleNamespace(**row._mapping) for row in session.execute(statement)]


def _families(session, household_ids: list) -> dict:
    """Households by id, each with its members (in id order) and special groups, as plain objects."""
    from sqlalchemy import select

    from app.models import Household, HouseholdMember, SpecialGroup
    from app.models.people import household_special_group as link

    found = {h.id: h for h in _plain(session, select(*Household.__table__.c).where(Household.id.in_(household_ids)))}
    for family in found.values():
        family.members, family.special_groups = [], []
    for member in _plain(session, select(*HouseholdMember.__table__.c).where(
            HouseholdMember.household_id.in_(household_ids)).order_by(HouseholdMember.id)):
        found[member.household_id].members.append(member)
    groups = select(link.c.household_id, SpecialGroup.code).join(SpecialGroup,
                                                                  SpecialGroup.id == link.c.special_group_id)
    for household_id, code in session.execute(groups.where(link.c.household_id.in_(household_ids))):
        found[household_id].special_groups.append(SimpleNamespace(code=code))
    return found


def _add_missing_applications(session, term) -> int:
    """An application this term for every enrolled pupil with a household that has none."""
    from sqlalchemy import exists, insert, literal, select

    from app.models import Application, Student, StudentStatus
    from app.models.base import utcnow

    # NOT EXISTS, not NOT IN: PostgreSQL runs NOT IN over a million ids as a rescan per row
    have = exists().where(Application.student_id == Student.id, Application.term_id == term.id)
    source = select(Student.id, Student.school_id, literal(term.school_year_id), literal(term.id),
                    literal("draft"), literal(False), literal(False), literal(utcnow()), literal(utcnow())
                    ).where(Student.status == StudentStatus.ENROLLED, Student.household_id.isnot(None),
                            ~have)
    result = session.execute(insert(Application.__table__).from_select(
        ["student_id", "school_id", "school_year_id", "term_id", "status", "is_midyear", "recover_aid",
         "created_on", "changed_on"], source))
    return result.rowcount


def submit_everything(app) -> int:
    """Every application of the current term submitted afresh with its household snapshot, written
    CHUNK applications at a time (a million at once would not fit in memory)."""
    from sqlalchemy import select

    from app.clock import SYSTEM
    from app.commands import bulk_writes
    from app.commands.snapshots import take_snapshot
    from app.extensions import db
    from app.models import Application, ApplicationStatus, Student
    from app.queries.terms import current_term
    from app.services.facts import facts_record

    with app.app_context():
        session = db.session
        term = current_term(session)
        added = _add_missing_applications(session, term)
        now = SYSTEM.now().replace(microsecond=0)
        table = Application.__table__
        clear = dict(status=ApplicationStatus.SUBMITTED, submitted_on=now, score=None, breakdown=None,
                     standard_id=None, standard_version=None, suggested_tier_id=None, final_tier_id=None,
                     decided_by=None, assessed_on=None, commitment_signed_on=now.date(),
                     consent_signed_on=now.date(), changed_on=now)
        keys = ("household_snapshot", "snapshot_facts", *clear)
        convert = bulk_writes.converter(session.get_bind().dialect, table, keys)
        pupil = (Student.grade, Student.class_name, Student.boarding, Student.disabled, Student.household_id)
        done, last = 0, 0
        while rows := session.execute(
                select(Application.id, *pupil).join(Student, Student.id == Application.student_id)
                .where(Application.term_id == term.id, Student.household_id.isnot(None), Application.id > last)
                .order_by(Application.id).limit(CHUNK)).all():
            families = _families(session, sorted({row.household_id for row in rows}))
            snapshots = [take_snapshot(row, families[row.household_id], now) for row in rows]
            written = [(*convert((snapshot, facts_record(snapshot), *clear.values())), row.id)
                       for row, snapshot in zip(rows, snapshots, strict=True)]
            bulk_writes.update_many(session.connection(), table, keys, written, match=("id",), bump=None)
            session.commit()
            done, last = done + len(rows), rows[-1].id
        print(f"{added:,} applications added; {done:,} submitted with snapshots")
        return done


def time_batch(app) -> tuple[float, float, dict]:
    """(seconds, CPU seconds of this process, counts) of scoring the whole district, committed chunk
    by chunk as the job does, on PostgreSQL one chunk written while the next is read (the CPU time
    tells our work from the waits on a busy machine)."""
    from app.clock import app_clock
    from app.commands.batch_scoring import score_submitted
    from app.context import system_context
    from app.extensions import db
    from app.models import District
    from app.queries.terms import current_term
    from app.security.scope import Scope

    with app.app_context():
        session = db.session
        district = session.query(District).order_by(District.id).first()
        term = current_term(session)
        started, cpu = time.perf_counter(), time.process_time()
        ctx = system_context(session, app_clock(), scope=Scope(district_id=district.id))
        counts = score_submitted(ctx, school_id=None, term_id=term.id, commit=True)
        session.commit()
        return time.perf_counter() - started, time.process_time() - cpu, counts


def time_tidy(app, scored: int) -> float:
    """Seconds of what the scoring job does after the batch (PostgreSQL: VACUUM ANALYZE of the
    application table once a large step moved it; nothing on SQLite)."""
    from app.commands.statistics import tidy_after_bulk_step
    from app.extensions import db
    from app.models import Application

    with app.app_context():
        started = time.perf_counter()
        tidy_after_bulk_step(db.engine, Application, scored)
        return time.perf_counter() - started


def last_event_id(app) -> int:
    """The id of the newest audit event (0: none)."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import AuditEvent

    with app.app_context():
        return db.session.execute(select(func.coalesce(func.max(AuditEvent.id), 0))).scalar_one()


def check_results(app, since_event: int) -> int:
    """Every application of the term holds what scoring it on its own stores (its score, breakdown,
    standard version, suggested tier and decided-by, recomputed from its snapshot by the functions
    assessing.score uses) and got exactly one "assess" event after `since_event`; how many were
    checked. Raises AssertionError on the first difference."""
    from decimal import Decimal

    from sqlalchemy import func, select

    from app.commands.assessing import breakdown_json
    from app.commands.standards import compiled, tier_ids
    from app.extensions import db
    from app.models import Application, AssessmentStandard, AuditEvent
    from app.queries.terms import current_term
    from app.services.facts import facts_from_snapshot
    from app.services.scoring import assess

    with app.app_context():
        session = db.session
        term, tiers = current_term(session), tier_ids(session)
        standards = {row.id: row for row in session.query(AssessmentStandard)}
        columns = (Application.id, Application.status, Application.household_snapshot, Application.score,
                   Application.breakdown, Application.standard_id, Application.standard_version,
                   Application.suggested_tier_id, Application.decided_by)
        checked, last = 0, 0
        while rows := session.execute(select(*columns).where(Application.term_id == term.id, Application.id > last)
                                      .order_by(Application.id).limit(CHUNK)).all():
            for row in rows:
                standard = standards[row.standard_id]
                result = assess(compiled(standard), facts_from_snapshot(row.household_snapshot))
                expected = ("school_review", result.total, breakdown_json(result), standard.version,
                            tiers[result.suggested_tier], result.decided_by)
                found = (row.status.value, Decimal(row.score), row.breakdown, row.standard_version,
                         row.suggested_tier_id, row.decided_by)
                assert found == expected, (row.id, found, expected)
            checked, last = checked + len(rows), rows[-1].id
        events = session.execute(select(func.count(), func.count(AuditEvent.entity_id.distinct())).where(
            AuditEvent.id > since_event, AuditEvent.action == "workflow", AuditEvent.summary.like("assess%"))).one()
        assert tuple(events) == (checked, checked), (tuple(events), checked)
        return checked


def time_job(app, client) -> tuple[float, int]:
    """(seconds, applications scored) of the page's "score all" button: the job run in the request."""
    from app.extensions import db
    from app.models import Job

    submit_everything(app)
    started = time.perf_counter()
    resp = client.post("/assessment/score-all", data={})
    seconds = time.perf_counter() - started
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    with app.app_context():
        job = db.session.query(Job).order_by(Job.id.desc()).first()
        assert job.status.value == "succeeded", (job.error_code, job.error_detail)
        return seconds, job.summary["scored"]


def sync_permissions(app) -> None:
    """A reused database gets the permissions of views added since it was seeded."""
    from app.seeding import seed_roles

    with app.app_context():
        seed_roles(app.appbuilder)


def page_case(app) -> str:
    """The assessment page of a scored application in the middle of the district."""
    from app.extensions import db
    from app.models import Application

    with app.app_context():
        count = db.session.query(Application.id).count()
        app_id = db.session.query(Application.id).order_by(Application.id).offset(count // 2).limit(1).scalar()
    return f"/assessment/{app_id}"


def main():
    """Seed or reuse, submit, time the batch and the page, print the table."""
    args = parse_args()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{out / f'assessment_{args.pupils}.db'}"
    app = prepare(url, args)
    sync_permissions(app)
    started = time.perf_counter()
    submitted = submit_everything(app)
    print(f"submitted in {time.perf_counter() - started:.1f} s")
    since = last_event_id(app)
    seconds, cpu, counts = time_batch(app)
    print(f"batch scoring: {counts['scored']:,} applications in {seconds:.1f} s ({cpu:.1f} s CPU)")
    tidy = time_tidy(app, counts["scored"])
    print(f"table tidied after the batch (as the job does): {tidy:.1f} s")
    if args.check:
        started = time.perf_counter()
        print(f"checked: {check_results(app, since):,} applications hold what scoring each alone stores, "
              f"each with one event ({time.perf_counter() - started:.0f} s)")
    from app.extensions import db

    client = app.test_client()
    with app.app_context():
        counter = QueryCounter(db.engine)
    client.post("/login/", data={"username": "district", "password": PASSWORD})
    path = page_case(app)
    ms, size, queries = measure(client, counter, path, args.runs)
    queue_ms, queue_size, queue_queries = measure(client, counter, "/assessment/", args.runs)
    job_seconds, job_scored = time_job(app, client) if not args.no_job else (0.0, 0)
    backend = url.split(":", 1)[0]
    print(f"\n{args.pupils:,} pupils, {submitted:,} applications on {backend}\n")
    print(f"| {'batch scoring (whole district)':<34} | {'seconds':>8} | {'CPU s':>8} | {'scored':>9} | {'per s':>7} |")
    print(f"|{'-' * 36}|{'-' * 10}|{'-' * 10}|{'-' * 11}|{'-' * 9}|")
    print(f"| {'score_submitted':<34} | {seconds:8.1f} | {cpu:8.1f} | {counts['scored']:9,d} | "
          f"{counts['scored'] / seconds:7.0f} |")
    print(f"| {'then the table tidied (VACUUM)':<34} | {tidy:8.1f} | {'':>8} | {'':>9} | {'':>7} |")
    if job_scored:
        print(f"| {'score_applications job (button)':<34} | {job_seconds:8.1f} | {'':>8} | {job_scored:9,d} | "
              f"{job_scored / job_seconds:7.0f} |")
    print(f"skipped: {counts['skipped']}\n")
    print(f"| {f'request (median of {args.runs})':<34} | {'ms':>8} | {'KB':>8} | {'queries':>7} |")
    print(f"|{'-' * 36}|{'-' * 10}|{'-' * 10}|{'-' * 9}|")
    print(f"| {'assessment page ' + path:<34} | {ms:8.1f} | {size / 1024:8.1f} | {queries:7d} |")
    print(f"| {'assessment queue /assessment/':<34} | {queue_ms:8.1f} | {queue_size / 1024:8.1f} | "
          f"{queue_queries:7d} |")


if __name__ == "__main__":
    os.environ.setdefault("APP_ENV", "bench")
    main()
