"""Planner statistics (every hour): the database's picture of its tables follows the data.

SQLite only keeps what the last ANALYZE saw: a district seeded with 10 k applications and grown to
100 k sorted its whole queue in memory (250 ms) where the fresh picture walks an index (30 ms).
PostgreSQL's autovacuum analyses on its own (application: at 2 %, migration e12d04vacuum).
"""
from sqlalchemy import text

from app.context import Context

SAMPLE_ROWS = 1000  # rows read per index (SQLite's analysis_limit): seconds become milliseconds


def refresh_planner_statistics(ctx: Context) -> None:
    """ANALYZE on SQLite with a bounded sample; nothing on PostgreSQL (autovacuum does it)."""
    if ctx.session.get_bind().dialect.name != "sqlite":
        return
    ctx.session.execute(text(f"PRAGMA analysis_limit={SAMPLE_ROWS}"))
    ctx.session.execute(text("ANALYZE"))


VACUUM_AFTER_ROWS = 20_000  # a bulk step of this many rows analyses its table before and tidies it after


def tidy_after_bulk_step(engine, model, rows: int) -> bool:
    """PostgreSQL, after a bulk step committed `rows` changed rows of the model's table (VACUUM_AFTER_ROWS
    or more): VACUUM (ANALYZE) it at once, on a connection of its own (VACUUM runs outside any
    transaction). Every row moved left its old version behind in each index: until they are cleared,
    the queue's count of the status they left walks them all (1 M moved: 1.2 s instead of 40 ms), and
    the planner still sees the table as it was. Autovacuum would do it in its own time, or never where
    it is switched off; a district's batch does not wait for it. Whether it ran."""
    if engine.dialect.name != "postgresql" or rows < VACUUM_AFTER_ROWS:
        return False
    table = engine.dialect.identifier_preparer.format_table(model.__table__)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"VACUUM (ANALYZE) {table}"))
    return True


def refresh_table_statistics(session, model, rows: int) -> bool:
    """PostgreSQL, before a bulk step walks `rows` rows of the model's table (VACUUM_AFTER_ROWS or
    more): ANALYZE it now, inside the caller's transaction (a sample, about a second at a million
    rows). Statistics taken before a district's applications were submitted make the planner expect a
    few hundred rows, and it then reads and sorts every remaining row for each chunk instead of walking
    the index in order (seen at 100 k: a chunk's read took 1 s instead of 0.1 s, and the walk became
    quadratic). A school's few hundred are read at once anyway, and SQLite's planner walks the index on
    its own: nothing is done there. Whether it ran."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql" or rows < VACUUM_AFTER_ROWS:
        return False
    session.execute(text(f"ANALYZE {bind.dialect.identifier_preparer.format_table(model.__table__)}"))
    return True
