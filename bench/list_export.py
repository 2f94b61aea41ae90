"""Excel export of a list page at district scale: our export against xlsxwriter writing the same cells bare.

Reuses the district seeded by bench/run.py (a scratch copy under bench/out/, or --database-url) and
exports the pupil list (its 8 columns plus the masked ID number and birth date: 10 columns) as the
district officer sees it, through the code the page and the job use (the list's query read with
yield_per, every cell formatted and masked as on screen, app/reports/xlsx.py's Sheet), then writes the
same cells with a bare xlsxwriter workbook in constant-memory mode. Prints both times, the ratio and
the peak memory growth of the export (ru_maxrss; --tracemalloc adds Python's own peak, slower).
Usage:
    python bench/list_export.py [--pupils 100000] [--rows N] [--tracemalloc] [--database-url URL]
Target (issue 14): 100 k rows x 10 columns within 1.5x the bare time, peak memory growth <= 100 MB.
"""
import argparse
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import prepare  # noqa: E402

EXTRA_COLUMNS = ["id_number", "birth_date"]  # the pupil list's 8 columns + 2 masked ones = 10


def parse_args():
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pupils", type=int, default=100_000, help="pupils of the seeded district")
    p.add_argument("--schools", type=int, default=200)
    p.add_argument("--rows", type=int, default=None, help="export at most this many rows (default: all)")
    p.add_argument("--database-url", default=None, help="default: a copy of bench/out/bench_<pupils>.db")
    p.add_argument("--tracemalloc", action="store_true", help="also measure Python's peak allocations")
    args = p.parse_args()
    args.reuse = True
    return args


def database_url(args) -> str:
    """A scratch copy of run.py's database (the export writes audit events), or the given URL."""
    if args.database_url:
        return args.database_url
    source = ROOT / "bench" / "out" / f"bench_{args.pupils}.db"
    target = ROOT / "bench" / "out" / f"list_export_{args.pupils}.db"
    if not target.exists():
        if not source.exists():
            sys.exit(f"{source} is missing: run `python bench/run.py --pupils {args.pupils} --prepare-only` first")
        shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def maxrss_mb() -> float:
    """The process's peak resident memory so far, MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def district_officer(session):
    """A district officer of the seeded district (the export's user)."""
    from app.models import User, UserScope

    return (session.query(User).join(UserScope, UserScope.user_id == User.id)
            .filter(UserScope.school_id.is_(None), UserScope.district_id.isnot(None))
            .filter(User.roles.any(name="DistrictOfficer")).order_by(User.id).first())


def export_ours(app, view, out: Path, rows: int | None, trace: bool) -> tuple[float, int, float, float]:
    """(seconds, rows, rss growth MB, traced peak MB) of our export of the pupil list."""
    from flask import g

    from app.extensions import db
    from app.reports.list_export import export_list, list_query
    from app.security.request_context import current_context

    with app.test_request_context("/studentmodelview/list/"):
        g._login_user = district_officer(db.session)
        count, query = list_query(view)
        if rows:
            query, count = query.limit(rows), min(rows, count)
        before = maxrss_mb()
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        written = export_list(current_context(), view, out, chunk=1000, count=count, query=query)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else 0.0
        if trace:
            tracemalloc.stop()
        db.session.commit()  # the audit event
        return seconds, written, maxrss_mb() - before, peak


def same_cells(app, view, rows: int | None) -> list[list]:
    """The cells our export wrote, row by row (not timed): what the bare writer writes too."""
    from flask import g

    from app.extensions import db
    from app.reports.list_export import ListColumns, items_of, list_query

    with app.test_request_context("/studentmodelview/list/"):
        g._login_user = district_officer(db.session)
        _count, query = list_query(view)
        query = query.limit(rows) if rows else query
        columns = ListColumns.of(view)
        model = view.datamodel
        return [columns.row(model.get_values_item(item, columns.columns))
                for item in items_of(query, model.obj, 1000)]


def export_bare(cells: list[list], out: Path) -> float:
    """Seconds xlsxwriter takes to write the cells in constant-memory mode, typed as the Sheet types them."""
    from datetime import date
    from decimal import Decimal

    import xlsxwriter

    started = time.perf_counter()
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True, "tmpdir": str(out.parent)})
    sheet = book.add_worksheet("bare")
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                sheet.write_datetime(r, c, value)
            elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                sheet.write_number(r, c, float(value))
            else:
                sheet.write_string(r, c, str(value))
    book.close()
    return time.perf_counter() - started


def main():
    """Time our export and the bare writer, print the table."""
    args = parse_args()
    app = prepare(database_url(args), args)
    with app.app_context():
        view = next(v for v in app.appbuilder.baseviews if type(v).__name__ == "StudentModelView")
        view.list_columns = [*view.list_columns, *EXTRA_COLUMNS]
    with tempfile.TemporaryDirectory(dir=ROOT / "bench" / "out") as folder:
        ours, written, rss, traced = export_ours(app, view, Path(folder) / "ours.xlsx", args.rows, args.tracemalloc)
        cells = same_cells(app, view, args.rows)
        bare = export_bare(cells, Path(folder) / "bare.xlsx")
    columns = len(view.list_columns)
    print(f"list export: {written:,} rows x {columns} columns")
    print(f"{'xlsxwriter bare (constant memory)':<40}{bare:8.2f} s")
    print(f"{'our export (query, format, mask, write)':<40}{ours:8.2f} s")
    print(f"{'ratio (target <= 1.5)':<40}{ours / bare:8.2f}"
          + ("  (our time slowed by --tracemalloc)" if args.tracemalloc else ""))
    print(f"{'peak memory growth, RSS (<= 100 MB)':<40}{rss:8.1f} MB")
    if args.tracemalloc:
        print(f"{'peak Python allocations (tracemalloc)':<40}{traced:8.1f} MB")


if __name__ == "__main__":
    main()
