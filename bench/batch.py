"""A district-sized disbursement batch: preview and create one batch of every entitled pupil of a school.

Reuses the district seeded by bench/run.py (SQLite under bench/out/ by default, or --database-url) and
gathers its pupils into one bench school (a scratch copy: --pupils 100000 moves every pupil there), gives
each an entitlement to the living subsidy this term and a payee account, receives and allocates enough
money, then times, as the pages run them through the runner:
  - `preview` (every entitled pupil with tier and amount, or the reason left out), median of --runs;
  - `create_batch` (the batch and its lines, all or nothing), once, then the same key again (idempotent).
Usage:
    python bench/batch.py [--pupils 100000] [--runs 3] [--database-url URL]
Target (issue 13): preview and create a 100 k-line batch ≤ 10 s on SQLite.
"""
import os
import shutil
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import parse_args, prepare  # noqa: E402


def gather(app) -> dict:
    """Every pupil of the district in one school, each entitled this term with a payee account; an
    account with the money received and allocated. The ids the bench needs."""
    from decimal import Decimal

    from sqlalchemy import func, insert, select, update

    from app.clock import SYSTEM
    from app.commands import funds
    from app.context import system_context
    from app.extensions import db
    from app.models import (
        AidItem,
        Application,
        District,
        Entitlement,
        FundAccount,
        FundSource,
        Household,
        School,
        Student,
        Tier,
    )
    from app.queries.terms import current_term
    from app.runner import run

    with app.app_context():
        session = db.session
        district = session.query(District).order_by(District.id).first()
        school = session.query(School).filter_by(district_id=district.id).order_by(School.id).first()
        term = current_term(session)
        item = session.query(AidItem).filter_by(code="living_subsidy").one()
        tier = session.query(Tier).filter_by(code="special").one()
        bench = session.query(FundAccount).filter_by(code="BENCH").one_or_none()
        if bench is None:  # the demo's own batches and allocations are left as they are
            session.execute(update(Student).values(school_id=school.id))
            session.execute(update(Household).values(payee_name="王建国", bank_account="6217000012345678901"))
            entitled = set(session.execute(select(Entitlement.student_id).where(
                Entitlement.term_id == term.id, Entitlement.aid_item_id == item.id)).scalars())
            applications = {sid: aid for sid, aid in session.execute(
                select(Application.student_id, func.min(Application.id)).group_by(Application.student_id))
                if sid not in entitled}  # the demo's approvals this term entitled some already
            rows = [{"student_id": sid, "school_id": school.id, "term_id": term.id, "aid_item_id": item.id,
                     "application_id": aid, "tier_id": tier.id, "boarding": False, "amount": Decimal("312.50"),
                     "status": "active", "version": 1, "created_on": SYSTEM.now(), "changed_on": SYSTEM.now()}
                    for sid, aid in applications.items()]
            session.execute(insert(Entitlement.__table__), rows)
            account = FundAccount(code="BENCH", name="bench", source=FundSource.CENTRAL,
                                  fiscal_year=term.start_date.year, district_id=district.id)
            session.add(account)
            session.commit()
            total = Decimal("625.00") * (len(rows) + len(entitled))  # enough for any of them
            ctx = system_context(session, SYSTEM)
            run(ctx, funds.receive, account.id, amount=str(total))
            run(ctx, lambda c: funds.allocate(c, account.id, school_id=school.id, aid_item_id=item.id,
                                              term_id=term.id, amount=str(total)))
            run(ctx, lambda c: funds.set_quota(c, school_id=school.id, aid_item_id=item.id, term_id=term.id,
                                               places=len(rows) + len(entitled)))  # the demo's quota: its own school's
            bench = account
        return {"school": school.id, "term": term.id, "item": item.id, "district": district.id, "account": bench.id}


def main():
    args = parse_args()
    out = ROOT / "bench" / "out"
    source = out / f"assessment_{args.pupils}.db"
    scratch = out / f"batch_{args.pupils}.db"
    url = args.database_url
    if url is None:
        if not source.exists():
            sys.exit(f"seed {source} first: python bench/assessment.py --pupils {args.pupils} --no-job")
        shutil.copyfile(source, scratch)
        url = f"sqlite:///{scratch}"
    args.reuse = True
    app = prepare(url, args)
    ids = gather(app)

    from app.clock import SYSTEM
    from app.commands import disbursement
    from app.context import system_context
    from app.extensions import db
    from app.runner import run
    from app.security.scope import Scope

    with app.app_context():
        ctx = system_context(db.session, SYSTEM, scope=Scope(district_id=ids["district"]))
        where = dict(term_id=ids["term"], aid_item_id=ids["item"], school_id=ids["school"],
                     fund_account_id=ids["account"])  # the demo's district allocated this school too
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            preview = run(ctx, disbursement.preview, **where)
            times.append(time.perf_counter() - started)
        key = uuid.uuid4().hex
        started = time.perf_counter()
        batch = run(ctx, disbursement.create_batch, idempotency_key=key, **where)
        create = time.perf_counter() - started
        started = time.perf_counter()
        again = run(ctx, disbursement.create_batch, idempotency_key=key, **where)
        repeat = time.perf_counter() - started
        assert again.id == batch.id
        entitled = preview.count + len(preview.excluded)
        print(f"\n{entitled:,} pupils entitled this term in one school ({url.split(':', 1)[0]})\n")
        print(f"| {'step':<36} | {'seconds':>8} | {'lines':>9} |")
        print(f"|{'-' * 38}|{'-' * 10}|{'-' * 11}|")
        print(f"| {f'preview (median of {args.runs})':<36} | {statistics.median(times):8.2f} | {preview.count:9,d} |")
        print(f"| {'create the batch':<36} | {create:8.2f} | {batch.line_count:9,d} |")
        print(f"| {'preview + create':<36} | {statistics.median(times) + create:8.2f} | {'':>9} |")
        print(f"| {'the same key again (no new batch)':<36} | {repeat:8.2f} | {again.line_count:9,d} |")


if __name__ == "__main__":
    os.environ.setdefault("APP_ENV", "bench")
    main()
