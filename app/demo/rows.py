"""Demo row plumbing: explicit primary keys, unique synthetic identifiers and chunked bulk inserts."""
import csv
import enum
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select, text

from app.demo.data import Draw
from app.errors import DomainError
from app.services.validation import make_id_number

CENT = Decimal("0.01")


class PrimaryKeys:
    """Primary keys handed out from max(id) + 1 per table, so bulk inserts never read ids back."""

    def __init__(self, session, tables):
        """Read the highest id of each table once."""
        self._next = {t.name: (session.scalar(select(func.max(t.c.id))) or 0) + 1 for t in tables}

    def take(self, table) -> int:
        """The next free id of `table`."""
        key = self._next[table.name]
        self._next[table.name] = key + 1
        return key


class IdNumbers:
    """Unique synthetic resident ID numbers: at most 499 per address code, birth date and sex."""

    PER_KEY = 499  # prime, so the sequence scramble below is a permutation

    def __init__(self, overflow_codes):
        """Remember how many numbers each (address code, birth date, sex) has used."""
        self._overflow = tuple(overflow_codes)
        self._used: dict[tuple, int] = {}

    def make(self, address_code: str, birth: date, male: bool) -> str:
        """A new ID number; the sequence is odd for males, even (never 000) for females."""
        for code in (address_code, *self._overflow):
            key = (code, birth, male)
            used = self._used.get(key, 0)
            if used < self.PER_KEY:
                self._used[key] = used + 1
                slot = (used * 211 + 37) % self.PER_KEY
                return make_id_number(code, birth, 2 * slot + (1 if male else 2))
        raise DomainError(_l("Too many demo people share one birth date; ask for fewer pupils."))


def student_no(id_number: str, temporary: bool) -> str:
    """学籍号: "G" + the ID number, or a temporary "L" + area + birth date + 4 digits."""
    if not temporary:
        return "G" + id_number
    return f"L{id_number[:14]}{int(id_number[14:17]):04d}"


def luhn_digit(body: str) -> str:
    """The Luhn check digit that bank card numbers end with."""
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char) * (2 if position % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return str((10 - total % 10) % 10)


def bank_account(prefix: str, serial: int) -> str:
    """A synthetic 19-digit card number, unique per serial (a scrambled 12-digit body + Luhn digit)."""
    body = f"{prefix}{(serial * 573_846_193_027 + 104_729) % 10**12:012d}"
    return body + luhn_digit(body)


def yuan(amount: float) -> Decimal:
    """An amount rounded to whole hundreds of yuan, as Numeric(14, 2)."""
    return Decimal(int(round(amount / 100)) * 100).quantize(CENT)


class BulkWriter:
    """Buffers plain row dicts per table; inserts them in chunks, parent tables first."""

    def __init__(self, session, tables, chunk_size: int = 5000):
        """`tables` in foreign-key order; a flush writes every buffer in that order."""
        self.session = session
        bind = session.get_bind()
        self.use_copy = bind.dialect.name == "postgresql" and bind.dialect.driver == "psycopg2"
        self.tables = tuple(tables)
        self.chunk_size = chunk_size
        self.buffers = {t.name: [] for t in self.tables}
        self.counts: Counter = Counter()

    def add(self, table, row: dict) -> None:
        """Queue one row; flush everything once a buffer is full."""
        buffer = self.buffers[table.name]
        buffer.append(row)
        if len(buffer) >= self.chunk_size:
            self.flush()

    def flush(self) -> None:
        """Insert every queued row: one executemany per table (bulk insert), or COPY on PostgreSQL."""
        for table in self.tables:
            rows = self.buffers[table.name]
            if not rows:
                continue
            if self.use_copy:
                copy_rows(self.session, table, rows)
            else:
                self.session.execute(insert(table), rows)
            self.counts[table.name] += len(rows)
            self.buffers[table.name] = []


def _copy_value(value):
    """A value as COPY (CSV) reads it: enums by their stored value, None as \\N."""
    if value is None:
        return "\\N"
    if isinstance(value, enum.Enum):
        return value.value
    return value


def copy_rows(session, table, rows: list[dict]) -> None:
    """COPY … FROM STDIN on the session's connection: a few times faster than multi-row INSERTs."""
    columns = list(rows[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([_copy_value(row[c]) for c in columns])
    buffer.seek(0)
    sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    cursor = session.connection().connection.dbapi_connection.cursor()
    try:
        cursor.copy_expert(sql, buffer)
    finally:
        cursor.close()


def sync_sequences(session, tables) -> None:
    """On PostgreSQL, move each id sequence past the explicit keys we inserted."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608 (metadata names)
            f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
        ))


@dataclass(frozen=True)
class TermInfo:
    """The current term, as plain values."""

    id: int
    school_year_id: int
    name: str
    start_date: date
    application_opens: date | None
    application_closes: date | None


@dataclass
class DemoRun:
    """What one demo run shares: draws, data files, dates, keys, identifiers and the writer."""

    draw: Draw
    data: dict
    today: date
    stamp: datetime
    keys: PrimaryKeys
    ids: IdNumbers
    writer: BulkWriter
    district_id: int
    address_code: str
    year_start: int
    term: TermInfo
    group_ids: dict
    last_term: TermInfo | None = None  # last school year's autumn term, whose work the demo completes
    applied: Counter = field(default_factory=Counter)  # applications written per term id

    def stamps(self) -> dict:
        """created_on / changed_on for a bulk row (bulk inserts skip the model defaults)."""
        return {"created_on": self.stamp, "changed_on": self.stamp}
