"""Identification at district scale: batch scoring of every application and the assessment page.

Seeds (or reuses, --reuse) a district with bench/run.py's prepare(), gives every pupil with a
household a submitted application with its snapshot taken, then times the batch scoring of the
whole district and the median GET of one application's assessment page (district officer).
Usage:
    python bench/assessment.py [--pupils 100000] [--schools 200] [--runs 15] [--reuse]
"""
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import PASSWORD, QueryCounter, measure, parse_args, prepare  # noqa: E402

CHUNK = 5000


def _groups(session) -> dict[int, list]:
    """Special groups of every household, as objects with a code."""
    from sqlalchemy import select

    from app.models import SpecialGroup
    from app.models.people import household_special_group as link

    found: dict[int, list] = {}
    rows = session.execute(select(link.c.household_id, SpecialGroup.code)
                           .join(SpecialGroup, SpecialGroup.id == link.c.special_group_id))
    for household_id, code in rows:
        found.setdefault(household_id, []).append(SimpleNamespace(code=code))
    return found


def _members(session) -> dict[int, list]:
    """Members of every household in id order, as rows."""
    from sqlalchemy import select

    from app.models import HouseholdMember

    found: dict[int, list] = {}
    for member in session.execute(select(HouseholdMember).order_by(HouseholdMember.id)).scalars():
        found.setdefault(member.household_id, []).append(member)
        session.expunge(member)
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
    """Every application of the current term submitted afresh with its household snapshot."""
    from sqlalchemy import bindparam, select, update

    from app.commands.snapshots import take_snapshot
    from app.extensions import db
    from app.models import Application, ApplicationStatus, Household, Student
    from app.queries.terms import current_term

    with app.app_context():
        session = db.session
        term = current_term(session)
        added = _add_missing_applications(session, term)
        members, groups, now = _members(session), _groups(session), datetime.now().replace(microsecond=0)
        rows = session.execute(
            select(Application.id, Student, Household).join(Student, Student.id == Application.student_id)
            .join(Household, Household.id == Student.household_id).where(Application.term_id == term.id)
        ).all()
        params = []
        for app_id, student, household in rows:
            family = SimpleNamespace(**{c: getattr(household, c) for c in (
                "id", "hukou_type", "lives_rural", "single_parent", "sudden_event_on", "sudden_event")},
                special_groups=groups.get(household.id, []), members=members.get(household.id, []))
            params.append({"_id": app_id, "household_snapshot": take_snapshot(student, family, now)})
        session.expunge_all()
        clear = dict(status=ApplicationStatus.SUBMITTED, submitted_on=now, score=None, breakdown=None,
                     standard_id=None, standard_version=None, suggested_tier_id=None, final_tier_id=None,
                     decided_by=None, assessed_on=None, commitment_signed_on=now.date(),
                     consent_signed_on=now.date())
        table = Application.__table__
        statement = update(table).where(table.c.id == bindparam("_id")).values(**clear)
        for start in range(0, len(params), CHUNK):
            session.execute(statement, params[start:start + CHUNK])
        session.commit()
        print(f"{added:,} applications added; {len(params):,} submitted with snapshots")
        return len(params)


def time_batch(app) -> tuple[float, dict]:
    """(seconds, counts) of scoring the whole district, committed chunk by chunk as the job does."""
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
        started = time.perf_counter()
        ctx = system_context(session, app_clock(), scope=Scope(district_id=district.id))
        counts = score_submitted(ctx, school_id=None, term_id=term.id,
                                 progress=lambda done, total: session.commit())
        session.commit()
        return time.perf_counter() - started, counts


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
    submitted = submit_everything(app)
    seconds, counts = time_batch(app)
    print(f"batch scoring: {counts['scored']:,} applications in {seconds:.1f} s")
    from app.extensions import db

    client = app.test_client()
    with app.app_context():
        counter = QueryCounter(db.engine)
    client.post("/login/", data={"username": "district", "password": PASSWORD})
    path = page_case(app)
    ms, size, queries = measure(client, counter, path, args.runs)
    queue_ms, queue_size, queue_queries = measure(client, counter, "/assessment/", args.runs)
    job_seconds, job_scored = time_job(app, client)
    backend = url.split(":", 1)[0]
    print(f"\n{args.pupils:,} pupils, {submitted:,} applications on {backend}\n")
    print(f"| {'batch scoring (whole district)':<34} | {'seconds':>8} | {'scored':>8} | {'per s':>7} |")
    print(f"|{'-' * 36}|{'-' * 10}|{'-' * 10}|{'-' * 9}|")
    print(f"| {'score_submitted':<34} | {seconds:8.1f} | {counts['scored']:8,d} | "
          f"{counts['scored'] / seconds:7.0f} |")
    print(f"| {'score_applications job (button)':<34} | {job_seconds:8.1f} | {job_scored:8,d} | "
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
