"""Multiply a district seeded by bench/run.py on PostgreSQL, for the read benchmarks at district scale.

Seeding a million pupils with the whole demo (identification and a money cycle per school) takes well
over an hour on this machine; the read benchmarks (the dashboard) need the rows, not the history. This
copies the seeded schools, pupils, applications, entitlements and ledger lines `--times` − 1 times under
new ids: 100 k pupils in 200 schools become 1 M in 2 000. Households, fund accounts, ledger entries and
batches are shared by the copies, so the copy is for reading only: an entry's lines no longer balance.
Usage:
    python bench/run.py --pupils 100000 --schools 200 --prepare-only --database-url URL
    python bench/scale.py --database-url URL --times 10
    python bench/dashboard.py --pupils 1000000 --database-url URL
"""
import argparse
import time

from sqlalchemy import create_engine, text

# table → its columns naming rows of copied tables (mapped to the same copy)
COPIED = {
    "school": {},
    "student": {"school_id": "school"},
    "application": {"student_id": "student", "school_id": "school"},
    "entitlement": {"student_id": "student", "school_id": "school", "application_id": "application",
                    "carried_from_id": "entitlement"},
    "ledger_line": {"school_id": "school"},
}
# unique columns rewritten per copy (:k the copy's digit 0–8): the seed's codes start 21…, its ID numbers 99…
UNIQUE = {
    "school": {"code": "'3' || :k || substr(code, 3)", "name": "name || '（' || (:k + 2) || '）'"},
    "student": {"id_number": "'9' || :k || substr(id_number, 3)",
                "student_no": "substr(student_no, 1, 1) || '9' || :k || substr(student_no, 4)"},
}


def columns(conn, table: str) -> list[str]:
    """The table's columns in order."""
    return list(conn.scalars(text("SELECT column_name FROM information_schema.columns WHERE table_name = :t "
                                  "AND table_schema = current_schema() ORDER BY ordinal_position"), {"t": table}))


def copy(conn, table: str, copy_no: int, highest: dict[str, int]) -> int:
    """Insert copy `copy_no` (1…) of the table's seeded rows; the number of rows."""
    shifted = {"id": table, **COPIED[table]}
    exprs = []
    for column in columns(conn, table):
        if column in shifted:
            exprs.append(f"{column} + {copy_no * highest[shifted[column]]}")
        else:
            exprs.append(UNIQUE.get(table, {}).get(column, column))
    names = ", ".join(columns(conn, table))
    sql = f"INSERT INTO {table} ({names}) SELECT {', '.join(exprs)} FROM {table} WHERE id <= :top"
    return conn.execute(text(sql), {"k": copy_no - 1, "top": highest[table]}).rowcount


def main():
    """Copy every table in order (schools first), then move the id sequences past the copies and analyse."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database-url", required=True, help="a PostgreSQL database seeded by bench/run.py")
    p.add_argument("--times", type=int, default=10, help="the district's size afterwards, in copies (2–10)")
    args = p.parse_args()
    if not 2 <= args.times <= 10:
        raise SystemExit("--times must be 2 to 10 (one digit of the codes tells the copies apart)")
    engine = create_engine(args.database_url)
    started = time.perf_counter()
    with engine.begin() as conn:
        highest = {table: conn.scalar(text(f"SELECT max(id) FROM {table}")) or 0 for table in COPIED}
        if conn.scalar(text("SELECT count(*) FROM school")) != conn.scalar(text("SELECT count(*) FROM school "
                                                                              "WHERE code LIKE '21%'")):
            raise SystemExit("this database was multiplied already")
        for table in COPIED:
            rows = sum(copy(conn, table, n, highest) for n in range(1, args.times))
            print(f"{table:<12} +{rows:>10,}")
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    print(f"multiplied {args.times} times in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
