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


def refresh_table_statistics(session, model) -> None:
    """PostgreSQL: ANALYZE the model's table now, inside the caller's transaction (a sample, about a
    second at a million rows). A bulk step calls it before walking the table: statistics taken before
    a district's applications were submitted make the planner expect a few hundred rows, and it then
    reads and sorts every remaining row for each chunk instead of walking the index in order (seen at
    100 k: a chunk's read took 1 s instead of 0.1 s, and the walk became quadratic). SQLite's planner
    walks the index on its own: nothing is done there."""
    if session.get_bind().dialect.name != "postgresql":
        return
    table = model.__table__
    session.execute(text(f"ANALYZE {session.get_bind().dialect.identifier_preparer.format_table(table)}"))
