"""The leader's dashboard at district scale: each section's JSON (coverage, progress, spending, trends)
and the page, as the district's leader, on a scratch copy of the district seeded by bench/run.py.

Every pupil identified last autumn is given this term's living subsidy first (as the carry-over would),
so that the coverage figures count tens of thousands of entitlements. Usage:
    python bench/dashboard.py [--pupils 100000] [--runs 15] [--database-url URL]
Target (issue 14): every section ≤ 300 ms at 100 k pupils on SQLite, ≤ 1 s at 1 M on PostgreSQL (a district
seeded at 100 k and multiplied by bench/scale.py).
"""
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import PASSWORD, QueryCounter, measure, parse_args, prepare  # noqa: E402

SECTIONS = ("coverage", "groups", "progress", "spending", "trends")
TARGET_MS = {"sqlite": 300, "postgresql": 1000}  # by the database's kind


def entitle_last_years_pupils(app) -> int:
    """This term's living subsidy for every pupil approved in an earlier term who has none yet (one
    INSERT … SELECT); the number of entitlements of the term."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import AidItem, Application, ApplicationStatus, Entitlement, Student
    from app.queries.terms import current_term

    with app.app_context():
        session = db.session
        term = current_term(session)
        item = session.scalars(select(AidItem.id).filter_by(code="living_subsidy")).one()
        have = select(Entitlement.student_id).where(Entitlement.term_id == term.id)
        approved = (select(Application.student_id, Application.school_id, func.max(Application.id),
                           func.max(Application.final_tier_id), Student.boarding)
                    .join(Student, Student.id == Application.student_id)
                    .where(Application.term_id != term.id, Application.final_tier_id.is_not(None),
                           Application.status.in_([ApplicationStatus.APPROVED, ApplicationStatus.ARCHIVED]),
                           Application.student_id.not_in(have))
                    .group_by(Application.student_id, Application.school_id, Student.boarding))
        rows = [dict(student_id=s, school_id=sc, term_id=term.id, aid_item_id=item, application_id=a, tier_id=t,
                     boarding=b, amount=625 if b else 312.5) for s, sc, a, t, b in session.execute(approved)]
        if rows:
            session.execute(Entitlement.__table__.insert(), rows)
            session.commit()
        return session.scalar(select(func.count()).select_from(Entitlement).where(Entitlement.term_id == term.id))


def all_at_once(app, runs: int) -> float:
    """Median ms until every section has answered when all are asked at once, as the page asks for them
    (one signed-in client per section, each in a thread of its own)."""
    import statistics
    import threading
    import time

    clients = []
    for _ in SECTIONS:
        client = app.test_client()
        assert client.post("/login/", data={"username": "leader", "password": PASSWORD}).status_code == 302
        clients.append(client)

    def fetch(client, name, failures):
        if client.get(f"/reports/dashboard/data/{name}").status_code != 200:
            failures.append(name)

    times = []
    for _ in range(runs + 1):  # the first run warms up
        failures, started = [], time.perf_counter()
        threads = [threading.Thread(target=fetch, args=(client, name, failures))
                   for client, name in zip(clients, SECTIONS, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures, failures
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[1:])


def main():
    """Copy the seeded district, entitle last year's pupils, time each section as `leader`, print the table."""
    args = parse_args()
    out = ROOT / "bench" / "out"
    url = args.database_url
    if url is None:
        source, scratch = out / f"bench_{args.pupils}.db", out / f"dashboard_{args.pupils}.db"
        if not source.exists():
            sys.exit(f"seed {source} first: python bench/run.py --pupils {args.pupils} --prepare-only")
        shutil.copyfile(source, scratch)
        url = f"sqlite:///{scratch}"
    args.reuse = True
    app = prepare(url, args)
    entitled = entitle_last_years_pupils(app)

    from app.extensions import db
    from app.seeding import seed_roles

    with app.app_context():
        seed_roles(app.appbuilder)  # a database seeded before the dashboard lacks its permission

    client = app.test_client()
    resp = client.post("/login/", data={"username": "leader", "password": PASSWORD})
    assert resp.status_code == 302, resp.status_code
    with app.app_context():
        counter = QueryCounter(db.engine)
    print(f"\ndashboard of {args.pupils:,} pupils, {entitled:,} aided this term ({url.split(':', 1)[0]}), "
          f"median of {args.runs} runs\n")
    print(f"{'request':<28}{'ms':>9}{'bytes':>10}{'queries':>9}")
    worst = 0.0
    for name in SECTIONS:
        ms, size, queries = measure(client, counter, f"/reports/dashboard/data/{name}", args.runs)
        worst = max(worst, ms)
        print(f"{'section ' + name:<28}{ms:>9.1f}{size:>10,}{queries:>9}")
    ms, size, queries = measure(client, counter, "/reports/dashboard/", args.runs)
    print(f"{'page (without its data)':<28}{ms:>9.1f}{size:>10,}{queries:>9}")
    target = TARGET_MS.get(url.split(":", 1)[0].split("+", 1)[0], TARGET_MS["sqlite"])
    together = all_at_once(app, args.runs)
    print(f"{'every section at once':<28}{together:>9.1f}")
    print(f"\nslowest section {worst:.0f} ms; target ≤ {target} ms: {'met' if worst <= target else 'MISSED'}")


if __name__ == "__main__":
    main()
