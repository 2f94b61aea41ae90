"""Many rows written in one statement, each value converted by its column's type beforehand.

A bulk step (batch scoring: thousands of applications per chunk) writes through here instead of
the ORM's flush of one statement per row. The values are converted by the columns' own types once
for all the rows that share them (`converter`: JSON serialised, enums as their values, moments as
the database keeps them), then sent as they are:

- SQLite: one executemany of the statement SQLAlchemy compiles (sqlite3's loop in C);
- PostgreSQL: one statement reading its rows from one array per column (`unnest`), so a chunk is one
  round trip (psycopg2 would send an executemany as one statement per row).

Rows that share their values (every pupil with the same result) are written by `update_cases` and
`insert_cases`: each distinct set of values (a case) is given once and each row names its case, so
PostgreSQL receives every case once (a second `unnest` joined on the case's position) and SQLite
the rows expanded for its executemany.

Table and column names come from the metadata, never from a request. An UPDATE matches every row on
its key and version columns and moves the version on, as the ORM's version counter does: the caller
compares the rows written with the rows given (a row changed meanwhile is not written).
"""
from operator import itemgetter

from sqlalchemy import bindparam, insert, literal_column, text, update
from sqlalchemy.types import UserDefinedType


class Converted(UserDefinedType):
    """A value converted by its column's type already: bound as it is (an untyped bind would take
    the column's type and be converted twice)."""

    cache_ok = True

    def get_col_spec(self, **kw) -> str:
        """Never used in DDL."""
        return "CONVERTED"


CONVERTED = Converted()
_CONVERTERS: dict = {}  # (dialect name, table, columns) → their types' bind conversion
_STATEMENTS: dict = {}  # (dialect name, kind, table, columns…) → (SQL, how to order a row for it)


def converter(dialect, table, keys: tuple):
    """A function turning values of `table`'s columns `keys` (a tuple in that order) into what their
    types bind for `dialect`: JSON serialised, enums as their values, moments as the database keeps
    them."""
    memo = (dialect.name, table.name, keys)
    found = _CONVERTERS.get(memo)
    if found is None:
        steps = tuple(table.c[key].type.dialect_impl(dialect).bind_processor(dialect) or _same for key in keys)
        found = _CONVERTERS[memo] = lambda values: tuple(step(value) for step, value in zip(steps, values,
                                                                                             strict=True))
    return found


def _same(value):
    """No conversion."""
    return value


def update_many(connection, table, keys: tuple, rows: list[tuple], *, match: tuple = ("id", "version"),
                bump: str | None = "version") -> int:
    """UPDATE `table` SET `keys` WHERE the `match` columns equal, one row per tuple (converted values
    of `keys`, then of `match`), the `bump` column moved on by one; how many rows were written."""
    if not rows:
        return 0
    unset = [c.name for c in table.c if c.onupdate is not None and c.name not in (*keys, *match)]
    if unset:  # as the ORM would stamp them: the caller gives the value, the same on every database
        raise ValueError(f"{table.name}: set {', '.join(unset)} (changed on every update) too")
    dialect = connection.dialect
    if dialect.name == "postgresql":
        sql = _statement(dialect, "update", table, keys, match, bump)
        return connection.execute(text(sql), _arrays(rows)).rowcount
    sql, order = _statement(dialect, "update", table, keys, match, bump)
    return connection.exec_driver_sql(sql, _ordered(rows, order)).rowcount


def insert_many(connection, table, keys: tuple, rows: list[tuple]) -> None:
    """INSERT into `table` one row per tuple (converted values of `keys`)."""
    if not rows:
        return
    dialect = connection.dialect
    if dialect.name == "postgresql":
        connection.execute(text(_statement(dialect, "insert", table, keys)), _arrays(rows))
        return
    sql, order = _statement(dialect, "insert", table, keys)
    connection.exec_driver_sql(sql, _ordered(rows, order))


def update_cases(connection, table, keys: tuple, cases: list[tuple], rows: list[tuple], *,
                 match: tuple = ("id", "version"), bump: str | None = "version") -> int:
    """update_many of rows sharing their values: `cases` are the distinct tuples of converted values
    of `keys`, each row is (its case's index in `cases`, converted values of `match`)."""
    if not rows:
        return 0
    dialect = connection.dialect
    if dialect.name != "postgresql":
        return update_many(connection, table, keys, [(*cases[row[0]], *row[1:]) for row in rows], match=match,
                           bump=bump)
    sql = _statement(dialect, "update_cases", table, keys, match, bump)
    return connection.execute(text(sql), _arrays(cases) | _arrays(rows, "r")).rowcount


def insert_cases(connection, table, case_keys: tuple, cases: list[tuple], row_keys: tuple, rows: list[tuple]) -> None:
    """insert_many of rows sharing most of their values: `cases` are the distinct tuples of converted
    values of `case_keys`, each row is (its case's index in `cases`, converted values of `row_keys`)."""
    if not rows:
        return
    dialect = connection.dialect
    if dialect.name != "postgresql":
        insert_many(connection, table, (*case_keys, *row_keys), [(*cases[row[0]], *row[1:]) for row in rows])
        return
    sql = _statement(dialect, "insert_cases", table, case_keys, row_keys)
    connection.execute(text(sql), _arrays(cases) | _arrays(rows, "r"))


def _arrays(rows: list[tuple], prefix: str = "c") -> dict:
    """One list per column (psycopg2 sends a list as an ARRAY)."""
    return {f"{prefix}{i}": list(values) for i, values in enumerate(zip(*rows, strict=True))}


def _ordered(rows: list[tuple], order: tuple) -> list[tuple]:
    """Rows with their values in the compiled statement's order."""
    if order == tuple(range(len(order))):
        return rows
    pick = itemgetter(*order)
    return [pick(row) for row in rows] if len(order) > 1 else [(pick(row),) for row in rows]


def _statement(dialect, kind: str, table, keys: tuple, match: tuple = (), bump: str | None = None):
    """The statement's SQL (PostgreSQL), or (SQL, where each of its parameters is in a row), made once."""
    memo = (dialect.name, kind, table.name, keys, match, bump)
    found = _STATEMENTS.get(memo)
    if found is None:
        build = _unnest if dialect.name == "postgresql" else _compiled
        found = _STATEMENTS[memo] = build(dialect, kind, table, keys, match, bump)
    return found


def _compiled(dialect, kind: str, table, keys: tuple, match: tuple, bump: str | None) -> tuple[str, tuple]:
    """SQLAlchemy's statement for one row of positional parameters, and the row order it reads."""
    names = (*keys, *match)
    values = {key: bindparam(f"p{i}", type_=CONVERTED) for i, key in enumerate(keys)}
    if kind == "insert":
        statement = insert(table).values(values)
    else:
        if bump:
            values[bump] = table.c[bump] + literal_column("1")
        statement = update(table).where(*[table.c[key] == bindparam(f"p{len(keys) + i}", type_=CONVERTED)
                                          for i, key in enumerate(match)]).values(values)
    compiled = statement.compile(dialect=dialect)
    order = tuple(int(name[1:]) for name in compiled.positiontup)
    if sorted(order) != list(range(len(names))):
        raise ValueError(f"unexpected parameters in {compiled.string}")
    return compiled.string, order


def _unnest(dialect, kind: str, table, keys: tuple, match: tuple, bump: str | None) -> str:
    """PostgreSQL: the statement reading its rows from arrays, one per column (:c0, :c1…); for cases,
    the distinct values from :c0… (numbered by position) and the rows from :r0 (the case's position
    from 0) and :r1….

    The two statements of cases:
    UPDATE t SET k = cases.k… FROM unnest(:r…) AS rows (case_no, m0…)
        JOIN unnest(:c…) WITH ORDINALITY AS cases (k…, case_no) ON cases.case_no = rows.case_no + 1
        WHERE t.match = rows.m…
    INSERT INTO t (k…, r…) SELECT cases.k…, rows.r… FROM unnest(:r…) WITH ORDINALITY AS rows (case_no, r…, n)
        JOIN unnest(:c…) WITH ORDINALITY AS cases (k…, case_no) ON cases.case_no = rows.case_no + 1 ORDER BY n
    """
    quote = dialect.identifier_preparer.quote
    target = quote(table.name)

    def arrays(names: tuple) -> str:
        return ", ".join(f"CAST(:c{i} AS {table.c[name].type.compile(dialect=dialect)}[])"
                         for i, name in enumerate(names))

    if kind in ("update_cases", "insert_cases"):
        given = ", ".join(f"x{i}" for i in range(len(match)))
        rows = "unnest(CAST(:r0 AS INTEGER[]), " + ", ".join(  # the case numbers, then the rows' own values
            f"CAST(:r{i + 1} AS {table.c[name].type.compile(dialect=dialect)}[])" for i, name in enumerate(match)) + ")"
        cases = f"unnest({arrays(keys)}) WITH ORDINALITY AS cases ({', '.join(quote(k) for k in keys)}, case_no)"
        if kind == "insert_cases":
            columns = ", ".join(quote(name) for name in (*keys, *match))
            picked = ", ".join([*(f"cases.{quote(k)}" for k in keys), *(f"rows.x{i}" for i in range(len(match)))])
            return (f"INSERT INTO {target} ({columns}) SELECT {picked} FROM {rows} WITH ORDINALITY AS rows "
                    f"(case_no, {given}, n) JOIN {cases} ON cases.case_no = rows.case_no + 1 ORDER BY rows.n")
        sets = [f"{quote(key)} = cases.{quote(key)}" for key in keys]
        if bump:
            sets.append(f"{quote(bump)} = {target}.{quote(bump)} + 1")
        where = " AND ".join(f"{target}.{quote(key)} = rows.x{i}" for i, key in enumerate(match))
        return (f"UPDATE {target} SET {', '.join(sets)} FROM {rows} AS rows (case_no, {given}) "
                f"JOIN {cases} ON cases.case_no = rows.case_no + 1 WHERE {where}")
    names = (*keys, *match)
    sources = arrays(names)
    columns = ", ".join(quote(name) for name in names)
    if kind == "insert":
        return f"INSERT INTO {target} ({columns}) SELECT * FROM unnest({sources})"
    sets = [f"{quote(key)} = changes.{quote(key)}" for key in keys]
    if bump:
        sets.append(f"{quote(bump)} = {target}.{quote(bump)} + 1")
    where = " AND ".join(f"{target}.{quote(key)} = changes.{quote(key)}" for key in match)
    return f"UPDATE {target} SET {', '.join(sets)} FROM unnest({sources}) AS changes ({columns}) WHERE {where}"
