"""Bank file export at scale: one approved batch of 100 000 lines written as the 一卡通 xlsx and the bank's CSV.

Builds a scratch SQLite database under bench/out/ (migrated, seeded with the aid items and bank layouts), then
inserts a district, a school, an approved batch and its lines directly (one executemany; the pupils and
entitlements the lines point at are not made: SQLite does not enforce those foreign keys and the export reads
only the lines). Then times, in one process:
  - the export as the app runs it (`export_bank_file`: the batch locked and marked exported, the lines read a
    few thousand at a time, rendered, written in xlsxwriter's constant-memory mode, SHA-256, the record);
    with the process's resident memory sampled meanwhile (its peak growth);
  - the re-download (the same bytes again, checked by SHA-256), under tracemalloc for the peak memory growth
    of Python objects;
  - xlsxwriter alone writing the same cells in constant-memory mode (the floor the export can approach);
  - the CSV (GBK) export.
Usage:
    python bench/bank_file.py [--lines 100000]
Targets: export ≤ 10 s, memory growth ≤ 150 MB.
"""
import argparse
import gc
import resource
import sys
import threading
import time
import tracemalloc
from decimal import Decimal
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"
TARGET_SECONDS, TARGET_MB = 10.0, 150.0


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lines", type=int, default=100_000)
    return p.parse_args()


def prepare(lines: int):
    """The app on a fresh scratch database holding one approved batch of `lines` lines."""
    from flask_migrate import upgrade

    from app import create_app
    from app.clock import SYSTEM
    from app.context import system_context
    from app.extensions import db
    from app.runner import run
    from app.seeding import seed_data

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "bank_file.db"
    path.unlink(missing_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "WTF_CSRF_ENABLED": False,
                      "JOBS_QUEUE_URL": "immediate://", "JOBS_DIR": str(OUT / "jobs")})
    with app.app_context():
        upgrade()
        run(system_context(db.session, SYSTEM), seed_data, SYSTEM.today())
        started = time.perf_counter()
        batch_id = _insert_batch(db.session, lines)
        print(f"inserted a batch of {lines:,} lines in {time.perf_counter() - started:.1f} s")
    return app, batch_id


def _insert_batch(session, lines: int) -> int:
    from sqlalchemy import insert

    from app.clock import SYSTEM
    from app.models import (
        AidItem,
        Allocation,
        BatchStatus,
        DisbursementBatch,
        DisbursementLine,
        District,
        FundAccount,
        FundSource,
        LineStatus,
        School,
        Term,
        Tier,
    )
    from app.services.validation import make_id_number

    district = District(code="990100", name="基准县")
    session.add(district)
    session.flush()
    school = School(district_id=district.id, code="2199000001", name="基准县城关小学")
    account = FundAccount(code="ZH0001", name="中央生活补助专户", source=FundSource.CENTRAL,
                          fiscal_year=SYSTEM.today().year, district_id=district.id)
    session.add_all([school, account])
    session.flush()
    term = session.query(Term).filter_by(is_current=True).one()
    item = session.query(AidItem).filter_by(code="living_subsidy").one()
    tier = session.query(Tier).filter_by(code="special").one()
    allocation = Allocation(fund_account_id=account.id, district_id=district.id, school_id=school.id,
                            aid_item_id=item.id, term_id=term.id)
    session.add(allocation)
    session.flush()
    amounts = [Decimal("312.50"), Decimal("625.00"), Decimal("208.33")]
    total = sum((amounts[n % 3] for n in range(1, lines + 1)), Decimal("0.00"))
    batch = DisbursementBatch(district_id=district.id, school_id=school.id, term_id=term.id, aid_item_id=item.id,
                              allocation_id=allocation.id, status=BatchStatus.APPROVED, title="基准批次",
                              line_count=lines, total=total, idempotency_key="bench-bank-file-0001",
                              request_hash="0" * 64, approved_on=SYSTEM.now())
    session.add(batch)
    session.flush()
    rows = [{"batch_id": batch.id, "student_id": n, "school_id": school.id, "aid_item_id": item.id,
             "term_id": term.id, "entitlement_id": n, "tier_id": tier.id, "amount": amounts[n % 3],
             "payee_name": f"王建{'国华明'[n % 3]}", "payee_id_number": make_id_number("990101", _birth(n), n % 1000),
             "bank_name": "农村信用社", "bank_account": f"62170000{n:011d}", "reference": f"ZZ{batch.id:07d}{n:06d}",
             "status": LineStatus.PENDING, "version": 1} for n in range(1, lines + 1)]
    session.execute(insert(DisbursementLine), rows)
    session.commit()
    return batch.id


def _birth(n: int):
    from datetime import date

    return date(1980 + n % 20, 1 + n % 12, 1 + n % 28)


def _context():
    """The district's use-case context (a system actor that sees everything)."""
    from app.clock import SYSTEM
    from app.context import Actor, Context
    from app.extensions import db
    from app.security.scope import Scope

    return Context(session=db.session, scope=Scope(everything=True), actor=Actor(), clock=SYSTEM)


def export(batch_id: int, code: str | None = None) -> tuple[float, bytes]:
    """(seconds, bytes) of one export committed, as the app runs it."""
    from app.commands import bank_files
    from app.extensions import db
    from app.models import BankFileLayout

    layout_id = db.session.query(BankFileLayout.id).filter_by(code=code).scalar() if code else None
    started = time.perf_counter()
    _, data = bank_files.export_bank_file(_context(), batch_id, layout_id)
    db.session.commit()
    return time.perf_counter() - started, data


def bare_xlsxwriter(batch_id: int) -> float:
    """Seconds xlsxwriter alone takes to write the export's cells (read beforehand) in constant-memory mode."""
    import xlsxwriter

    from app.commands.bank_files import _layout, _payment_lines
    from app.extensions import db
    from app.models import BankFileLayout, DisbursementBatch
    from app.services import bank_files as rules

    batch = db.session.get(DisbursementBatch, batch_id)
    layout = _layout(db.session.query(BankFileLayout).filter_by(is_default=True).first())
    facts = rules.BatchFacts(batch.id, batch.title, batch.school.name, batch.term.name, batch.aid_item.name)
    rows = [[rules.money_text(v) if isinstance(v, Decimal) else v for v in cells]
            for cells in rules.Rendering(layout, facts, list(_payment_lines(_context(), batch.id))).rows()]
    started = time.perf_counter()
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet()
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            if isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    book.close()
    return time.perf_counter() - started


def _rss_mb() -> float:
    """The process's resident memory now (Linux /proc), in MB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 1e6


class RssPeak:
    """The highest resident memory seen while active (sampled every 5 ms), less the memory at the start."""

    def __enter__(self):
        self.start = self.peak = _rss_mb()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, _rss_mb())
            time.sleep(0.005)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.growth = self.peak - self.start


def main():
    args = parse_args()
    app, batch_id = prepare(args.lines)
    with app.app_context():
        gc.collect()
        with RssPeak() as rss:
            seconds, data = export(batch_id)
        print(f"export (xlsx, first download): {seconds:.2f} s, {len(data) / 1e6:.1f} MB file; "
              f"process RSS growth at its peak {rss.growth:.1f} MB")
        gc.collect()
        tracemalloc.start()
        again_seconds, again = export(batch_id)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak_mb = peak / 1e6
        assert again == data, "a re-download gave other bytes"
        print(f"re-download (same SHA-256), under tracemalloc: {again_seconds:.2f} s; peak Python memory growth "
              f"{peak_mb:.1f} MB")
        bare = bare_xlsxwriter(batch_id)
        print(f"xlsxwriter alone, the same cells, constant memory: {bare:.2f} s; export / bare = {seconds / bare:.2f}")
        csv_seconds, csv_data = export(batch_id, "agent_bank_csv")
        print(f"export (CSV GBK, first download): {csv_seconds:.2f} s, {len(csv_data) / 1e6:.1f} MB file")
        ok = seconds <= TARGET_SECONDS and max(peak_mb, rss.growth) <= TARGET_MB
        print(f"targets (≤ {TARGET_SECONDS:.0f} s, ≤ {TARGET_MB:.0f} MB): {'met' if ok else 'MISSED'}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
