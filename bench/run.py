"""District-scale benchmark: pupil list, filters, search, deep page, edit form, API list.

Seeds a scratch database (SQLite under bench/out/ by default, or --database-url), then prints
median time, response size and query count per request. Usage:
    python bench/run.py [--pupils 100000] [--schools 200] [--runs 15] [--database-url URL] [--reuse]
        [--prepare-only]
A large database is best seeded once in the background (--prepare-only; a million pupils on
PostgreSQL take about an hour on 2 busy cores) and then reused (--reuse migrates it first).
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-pass-2026"


def parse_args():
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pupils", type=int, default=100_000)
    p.add_argument("--schools", type=int, default=200)
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--database-url", default=None, help="default: sqlite file in bench/out/")
    p.add_argument("--reuse", action="store_true", help="reuse an already seeded database")
    p.add_argument("--prepare-only", action="store_true", help="seed (or migrate a reused database) and stop")
    p.add_argument("--check", action="store_true", help="assessment.py: check every result the batch stored")
    p.add_argument("--no-job", action="store_true", help="assessment.py: do not time the job as well")
    return p.parse_args()


def prepare(url: str, args):
    """Create the app on `url`; migrate, init and seed unless --reuse finds data."""
    from flask_migrate import upgrade

    from app import create_app
    from app.clock import SYSTEM
    from app.demo.seed import seed_demo
    from app.extensions import db
    from app.models import Student
    from app.seeding import init_all

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      # jobs run inside the timed request, so their wall time is measured
                      "JOBS_QUEUE_URL": "immediate://", "JOBS_DIR": str(ROOT / "bench" / "out" / "jobs")})
    with app.app_context():
        upgrade()  # a reused database gets the migrations added since it was seeded
        if args.reuse and db.session.query(Student.id).first():
            return app
        init_all(app.appbuilder, db.session, SYSTEM.today())
        started = time.perf_counter()
        seed_demo(app.appbuilder, db.session, schools=args.schools, pupils=args.pupils,
                  password=PASSWORD, seed=1, today=SYSTEM.today())
        print(f"seeded {args.pupils:,} pupils in {time.perf_counter() - started:.1f} s")
    return app


class QueryCounter:
    """Counts SQL statements sent by the engine while active."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._hit)

    def _hit(self, *args, **kwargs):
        self.count += 1


def measure(client, counter, url: str, runs: int, headers=None):
    """(median ms, bytes, queries) of GET url over `runs` runs after one warm-up."""
    resp = client.get(url, headers=headers or {})
    assert resp.status_code == 200, (url, resp.status_code, resp.get_data(as_text=True)[:300])
    times = []
    for _ in range(runs):
        counter.count = 0
        started = time.perf_counter()
        resp = client.get(url, headers=headers or {})
        times.append((time.perf_counter() - started) * 1000)
        assert resp.status_code == 200
    return statistics.median(times), len(resp.data), counter.count


def cases(app):
    """The requests to time, with ids taken from the seeded data."""
    from app.extensions import db
    from app.models import School, Student

    with app.app_context():
        school = db.session.query(School).order_by(School.id).first()
        pupil = db.session.query(Student).order_by(Student.id.desc()).offset(500).first()
        name = pupil.name[:2]
    return [
        ("pupil list, first page", "/studentmodelview/list/"),
        ("pupil list, 100 per page", "/studentmodelview/list/?psize_StudentModelView=100"),
        ("filtered by school", f"/studentmodelview/list/?_flt_0_school={school.id}"),
        ("searched by name (starts with)", f"/studentmodelview/list/?_flt_0_name={name}"),
        ("searched by name (contains)", f"/studentmodelview/list/?_flt_2_name={name[1:]}"),
        ("page 500", "/studentmodelview/list/?page_StudentModelView=499"),
        ("edit form", f"/studentmodelview/edit/{pupil.id}"),
        ("household lookup", "/studentmodelview/lookup/household?q=" + pupil.name[:1]),
        ("API list", "/api/v1/student/"),
        ("API list, 100 per page", "/api/v1/student/?q=(page_size:100)"),
        ("workbench (home page)", "/"),
        ("school progress report", "/reports/progress/"),
        ("jobs list", "/jobmodelview/list/"),
    ]


def time_jobs(app, client) -> list[tuple[str, float, int]]:
    """(job, seconds, rows) for each job kind run once over the whole district."""
    from app.extensions import db
    from app.models import Job

    found = []
    for kind in ("pupil_roster", "pupil_check"):
        started = time.perf_counter()
        resp = client.post(f"/jobs/new/{kind}", data={"status": ""})
        seconds = time.perf_counter() - started
        assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
        with app.app_context():
            job = db.session.query(Job).order_by(Job.id.desc()).first()
            assert job.status.value == "succeeded", (job.error_code, job.error_detail)
            found.append((kind, seconds, job.rows_done))
    return found


def main():
    """Seed, log in as the district officer, time every case, print the table."""
    args = parse_args()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{out / f'bench_{args.pupils}.db'}"
    app = prepare(url, args)
    if args.prepare_only:
        return
    from app.extensions import db

    client = app.test_client()
    with app.app_context():
        counter = QueryCounter(db.engine)
    # every request below runs in its own app context and session, as in production
    resp = client.post("/login/", data={"username": "district", "password": PASSWORD})
    assert resp.status_code in (200, 302)
    token = client.post("/api/v1/security/login", json={
        "username": "district", "password": PASSWORD, "provider": "db"}).get_json()["access_token"]
    rows = []
    for label, path in cases(app):
        headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else None
        rows.append((label, *measure(client, counter, path, args.runs, headers)))
    backend = url.split(":", 1)[0]
    print(f"\n{args.pupils:,} pupils on {backend}, median of {args.runs} runs\n")
    print(f"| {'request':<30} | {'median ms':>9} | {'KB':>7} | {'queries':>7} |")
    print(f"|{'-' * 32}|{'-' * 11}|{'-' * 9}|{'-' * 9}|")
    for label, ms, size, queries in rows:
        print(f"| {label:<30} | {ms:9.1f} | {size / 1024:7.1f} | {queries:7d} |")
    print(f"\n| {'background job (whole district)':<32} | {'seconds':>7} | {'rows':>9} | {'rows/s':>7} |")
    print(f"|{'-' * 34}|{'-' * 9}|{'-' * 11}|{'-' * 9}|")
    for kind, seconds, done in time_jobs(app, client):
        print(f"| {kind:<32} | {seconds:7.1f} | {done:9,d} | {done / seconds:7.0f} |")


if __name__ == "__main__":
    os.environ.setdefault("APP_ENV", "bench")
    main()
