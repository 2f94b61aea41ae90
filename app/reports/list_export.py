"""A list page as an xlsx: the list's own query (its filters, the scope, its order), its columns and
labels, every cell formatted and masked as the page shows it, written in constant memory.

`list_query(view)` reads the request's list arguments as FAB's list does (`_flt_…`, `_oc_…`,
`_od_…`); a background job replays the list's request as its owner to get the same query.
"""
import gc
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import inspect

from app.formatting import format_date, format_many, format_money
from app.reports.xlsx import Column, Sheet
from app.security import audit
from app.services.masking import is_sensitive_column, mask_column

CACHE_LIMIT = 256  # distinct values whose formatted cell a column remembers (enums, yes/no, schools…)
WIDTH_MIN, WIDTH_MAX = 8, 24


def list_query(view):
    """(count, query) of the list this request shows: the search filters and order of the request's
    arguments, the view's base filters (the scope first), the view's default order; every row, no page.
    Sorting by a masked column is refused here as on the page (SensitiveOrderRefused)."""
    order_column, order_direction = get_order_args().get(type(view).__name__, ("", ""))
    if not order_column and view.base_order:
        order_column, order_direction = view.base_order
    get_filter_args(view._filters)
    joined = view._filters.get_joined_filters(view._base_filters)
    model = view.datamodel
    count = model.query_count(model.session.query(model.obj), joined)
    query = model.apply_all(model.session.query(model.obj), joined, order_column, order_direction)
    return count, query


def audit_detail(view, rows: int) -> str:
    """The stored summary of a list's export, which the audit trail reads in the reader's language
    (app/views/admin/audit_summary.py): `list <view> <rows> rows: <filters>` (the list named by its view, its
    title found when read; the filters as the list's chips said them, nothing when not filtered)."""
    return f"list {type(view).__name__} {rows} rows: {filters_in_words(view, none='')}"


def filters_in_words(view, *, none: str | None = None) -> str:
    """The request's filters and order as the list's chips say them (a masked value never shown); `none` (by
    default "no filter" in words) when the list is not filtered."""
    chips = [chip["text"] for chip in view.active_filter_chips()] if hasattr(view, "active_filter_chips") else []
    words = "; ".join(chips) or (gettext("no filter") if none is None else none)
    order_column, order_direction = get_order_args().get(type(view).__name__, ("", ""))
    if order_column:
        words += "; " + gettext("sorted by %(column)s %(direction)s",
                                column=str(view.label_columns.get(order_column, order_column)),
                                direction=order_direction)
    return words


class ListColumns:
    """How each listed column becomes a cell: its label as the header, its value formatted as the
    list shows it (enum labels, yes/no, relations' names), masked when it is sensitive (never the
    full value), money and dates left typed for the sheet, formula-looking text neutralised by it."""

    def __init__(self, columns: list[str], labels: dict, formatters: dict):
        self.columns = list(columns)
        self.headers = [Column(str(labels.get(c, c)), _width(str(labels.get(c, c)))) for c in self.columns]
        self.cells = [_cell(c, formatters.get(c)) for c in self.columns]

    @classmethod
    def of(cls, view) -> "ListColumns":
        """The columns of a view's list, with its labels and formatters."""
        return cls(view.list_columns, view.label_columns, view.formatters_columns)

    def row(self, values: list) -> list:
        """One item's values (in column order) as cells."""
        return [cell(value) for cell, value in zip(self.cells, values, strict=True)]


def _width(header: str) -> int:
    """A column width from its header (CJK characters count double)."""
    width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in header) + 2
    return max(WIDTH_MIN, min(WIDTH_MAX, width))


def _cell(column: str, formatter) -> Callable:
    """The converter of one column's raw values to cells."""
    if is_sensitive_column(column):
        return lambda value: mask_column(column, value) or ""  # the masking service's mask only
    if formatter is format_money:
        return lambda value: None if value is None else Decimal(value)
    if formatter is format_date:
        return lambda value: format_date(value) if isinstance(value, datetime) else value
    return _remembered(lambda value: _plain(formatter(value) if formatter else value))


def _remembered(convert: Callable) -> Callable:
    """`convert` with its answers for the first CACHE_LIMIT distinct hashable values kept: a list
    repeats a few enum values, schools and yes/no on every row."""
    known: dict = {}

    def cell(value):
        try:
            return known[value]
        except KeyError:
            found = convert(value)
            if len(known) < CACHE_LIMIT:
                known[value] = found
            return found
        except TypeError:  # unhashable (a list of related records)
            return convert(value)

    return cell


def _plain(value):
    """A formatter's answer as a cell value: HTML reduced to its text, lazy strings made str."""
    if value is None or isinstance(value, (str, int, float, Decimal, date)):
        return value.striptags() if isinstance(value, Markup) else value
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (list, tuple, set)):
        return format_many(value)
    return str(value)


def write_items(sheet: Sheet, columns: ListColumns, items: Iterable, values_of: Callable,
                every: int = 0, progress: Callable | None = None) -> int:
    """Append each item's row to the sheet; `progress(done)` after every `every` rows; rows written."""
    done = 0
    for item in items:
        sheet.append(columns.row(values_of(item)))
        done += 1
        if progress is not None and every and done % every == 0:
            progress(done)
    return done


def items_of(query, model, chunk: int):
    """The query's records `chunk` at a time (yield_per: a server-side cursor on PostgreSQL), never
    all at once; rows of a query joined for its order give their record."""
    name = model.__name__
    for found in query.yield_per(chunk):
        yield getattr(found, name, found) if not isinstance(found, model) else found


def plain_rows(session, query, model, columns: list[str], chunk: int):
    """The listed values straight from the database, `chunk` rows at a time, when every listed column
    is a plain column or a many-to-one relation (the related records loaded once per chunk, by key);
    None for any other list (a property, a path, a to-many relation: read through the records).
    Reading 100 k records as objects took a third of an export's time, their values a tenth."""
    mapper = inspect(model)
    selected, related = [], {}
    for index, column in enumerate(columns):
        relation = mapper.relationships.get(column) if column not in mapper.column_attrs else None
        if column in mapper.column_attrs:
            selected.append(getattr(model, column))
        elif relation is not None and not relation.uselist and len(relation.local_remote_pairs) == 1:
            local, remote = relation.local_remote_pairs[0]
            selected.append(getattr(model, mapper.get_property_by_column(local).key))
            target = relation.mapper
            related[index] = (target.class_, getattr(target.class_, target.get_property_by_column(remote).key))
        else:
            return None
    result = session.execute(query.with_entities(*selected).statement).yield_per(chunk)
    return (values for part in result.partitions() for values in _with_related(session, part, related))


def _with_related(session, part, related: dict):
    """The chunk's rows with each relation's key replaced by its record (one query per relation)."""
    found = {}
    for index, (target, key) in related.items():
        keys = {row[index] for row in part if row[index] is not None}
        found[index] = {getattr(r, key.key): r for r in session.query(target).filter(key.in_(keys))} if keys else {}
    for row in part:
        if not related:
            yield row
            continue
        values = list(row)
        for index in related:
            values[index] = found[index].get(values[index])
        yield values


@contextmanager
def collection_paused():
    """The cyclic garbage collector paused while a list is written: its rows are freed by reference
    counting as they go, and a full collection walking the app's objects every few thousand rows
    cost a third of the export's time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def export_list(ctx, view, path, *, chunk: int, tmpdir=None, progress: Callable | None = None,
                count: int | None = None, query=None) -> int:
    """Write the list this request shows (`list_query`, or the `query` and `count` already made) to
    `path` and audit the export with its row count; the rows written. `progress(done, total)` is
    called every `chunk` rows (a job's)."""
    if query is None:
        count, query = list_query(view)
    model = view.datamodel
    columns = ListColumns.of(view)
    words = filters_in_words(view)
    title = str(view.list_title)
    sheet = Sheet(path, title, columns.headers, tmpdir=tmpdir,
                  subtitle=gettext("%(filters)s · %(n)s rows · masked values stay masked", filters=words, n=count))
    rows = plain_rows(model.session, query, model.obj, columns.columns, chunk)
    values_of = lambda values: values  # noqa: E731
    if rows is None:  # read through the records, as FAB's list reads them
        rows = items_of(query, model.obj, chunk)
        values_of = lambda item: model.get_values_item(item, columns.columns)  # noqa: E731
    try:
        with collection_paused():
            write_items(sheet, columns, rows, values_of, every=chunk,
                        progress=(lambda done: progress(done, count)) if progress else None)
    finally:
        written = sheet.close()
    audit.record(ctx, audit.EXPORT, entity=model.obj.__tablename__, school_id=ctx.scope.school_id,
                 detail=audit_detail(view, written), row_count=written)
    return written
