"""The hourly task refreshes SQLite's planner statistics, so a grown district keeps its quick plans."""
import pytest
from sqlalchemy import text

from tests.factories import make_application, make_student


def _stat_rows(session, table: str) -> dict:
    return dict(session.execute(text("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = :t"), {"t": table}).all())


def test_the_hourly_task_analyses_what_the_tables_hold_now(app, session):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL's autovacuum analyses on its own")
    make_application(session, make_student(session))
    session.commit()
    session.execute(text("ANALYZE"))
    session.execute(text("DELETE FROM sqlite_stat1 WHERE tbl = 'application'"))  # a stale picture
    session.commit()
    assert not _stat_rows(session, "application")
    app.extensions["zizhu.jobs"]._purge()
    session.expire_all()
    stats = _stat_rows(session, "application")
    assert "ix_application_term_status_id" in stats and stats["ix_application_term_status_id"].startswith("1 ")


def test_a_large_bulk_step_tidies_its_table_on_postgresql_only(session):
    """tidy_after_bulk_step: nothing for a small step, nor on SQLite (no old row versions); VACUUM
    (ANALYZE) of the table on PostgreSQL after VACUUM_AFTER_ROWS, visible in its statistics."""
    from app.commands.statistics import VACUUM_AFTER_ROWS, tidy_after_bulk_step
    from app.models import Application

    make_application(session, make_student(session))
    session.commit()
    engine = session.get_bind()
    assert tidy_after_bulk_step(engine, Application, VACUUM_AFTER_ROWS - 1) is False
    if engine.dialect.name != "postgresql":
        assert tidy_after_bulk_step(engine, Application, VACUUM_AFTER_ROWS) is False
        return
    assert tidy_after_bulk_step(engine, Application, VACUUM_AFTER_ROWS) is True
    session.execute(text("SELECT pg_stat_clear_snapshot()"))
    vacuumed, analysed = session.execute(text(
        "SELECT last_vacuum, last_analyze FROM pg_stat_user_tables WHERE relname = 'application'")).one()
    assert vacuumed is not None and analysed is not None
