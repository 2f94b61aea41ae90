"""Write locks for a check-then-write: the state a command checks cannot change before it writes.

PostgreSQL locks the rows (`SELECT … FOR UPDATE`). SQLite has no row locks, and pysqlite opens a
transaction only at the first write: so the transaction writes first (a no-op UPDATE takes the
database's write lock, waiting up to the busy timeout for another writer to commit), then reads the
rows again. Either way the rows are re-read (`populate_existing`), so the check sees the latest
committed state, not an older copy the session still holds.
"""
from sqlalchemy import text


def on_sqlite(session) -> bool:
    """Whether the session's database is SQLite."""
    return session.get_bind().dialect.name == "sqlite"


def write_lock(session, model, key: int = 0) -> None:
    """SQLite: hold the database's write lock from now until the transaction ends (a no-op UPDATE of
    row `key` of the model's table; any key will do, SQLite locks the whole file)."""
    table = getattr(model, "__table__", model).name  # from the metadata, never from a request
    session.execute(text(f"UPDATE {table} SET id = id WHERE id = :key"), {"key": int(key or 0)})


def lock_one(session, query, model, key: int):
    """The one row of `query` (whose row id is `key`), or None; locked and re-read for this transaction."""
    if on_sqlite(session):
        write_lock(session, model, key)
        return query.populate_existing().one_or_none()
    return query.with_for_update(of=model).populate_existing().one_or_none()


def lock_all(session, query, model, *, skip_locked: bool = False) -> list:
    """Every row of `query`, locked and re-read; `skip_locked` passes over rows another transaction
    holds (PostgreSQL; SQLite waits for the write lock instead)."""
    if on_sqlite(session):
        write_lock(session, model)
        return query.populate_existing().all()
    return query.with_for_update(of=model, skip_locked=skip_locked).populate_existing().all()


def lock_select(session, statement, model):
    """A Core SELECT made to lock its rows of `model`: FOR UPDATE on PostgreSQL; on SQLite the write
    lock is taken now and the statement is returned unchanged."""
    if on_sqlite(session):
        write_lock(session, model)
        return statement
    return statement.with_for_update(of=model)

