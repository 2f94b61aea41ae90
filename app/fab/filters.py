"""List filters that answer an odd value with an empty result instead of a server error, and the
quick search of every list (one box over a few columns)."""
import re
from datetime import date

from flask import current_app, has_request_context
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import (
    FilterContains,
    FilterEqual,
    FilterStartsWith,
    SQLAFilterConverter,
    get_field_setup_query,
)
from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, and_, false, inspect, or_, select

from app.services.masking import STUDENT_NO, is_sensitive_column, kind_of

_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _coerce(datamodel, column: str, value):
    """Check a filter value against its column; raise ValueError when it cannot match."""
    if isinstance(value, (list, tuple)):
        return value
    if datamodel.is_relation(column):
        return str(int(value))
    if datamodel.is_enum(column):
        enum_cls = datamodel.list_columns[column].type.enum_class
        return enum_cls(value).value
    if datamodel.is_integer(column) and not datamodel.is_boolean(column):
        return str(int(value))
    return value


class SafeFilterMixin:
    """Validate the value first; a value that cannot match gives no rows, never a 500."""

    def apply(self, query, value):
        """Apply the wrapped filter, or an always-false condition for an impossible value."""
        try:
            value = _coerce(self.datamodel, self.column_name, value)
        except (TypeError, ValueError):
            return query.filter(false())
        return super().apply(query, value)


def _caseless(value) -> bool:
    """True when case cannot matter (Chinese names, digits): no ASCII letters in the value."""
    return isinstance(value, str) and not _ASCII_LETTER.search(value)


class IndexedStartsWith(FilterStartsWith):
    """'Starts with' without lower(): an index range on SQLite, LIKE 'v%' elsewhere."""

    def apply(self, query, value):
        """Use FAB's ILIKE only where letter case matters."""
        if not _caseless(value):
            return super().apply(query, value)
        query, field = get_field_setup_query(query, self.model, self.column_name)
        if self.datamodel.session.get_bind().dialect.name == "sqlite":
            return query.filter(field >= value, field < value + "\U0010ffff")
        return query.filter(field.startswith(value, autoescape=True))


class PlainContains(FilterContains):
    """'Contains' without lower() on every row when case cannot matter (2-3x faster)."""

    def apply(self, query, value):
        """LIKE '%v%' for Chinese values, FAB's ILIKE otherwise."""
        if not _caseless(value):
            return super().apply(query, value)
        query, field = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(field.contains(value, autoescape=True))


_REPLACE = {FilterStartsWith: IndexedStartsWith, FilterContains: PlainContains}


def _safe(filter_cls):
    """A subclass of a FAB filter with the SafeFilterMixin in front."""
    filter_cls = _REPLACE.get(filter_cls, filter_cls)
    return type(filter_cls.__name__, (SafeFilterMixin, filter_cls), {})


class SensitiveEqual(FilterEqual):
    """The only filter on an ID number, bank account, phone or birth date: exact match, for roles
    that may reveal such values; anyone else gets no rows (no guessing by prefix or by elimination)."""

    def apply(self, query, value):
        """Exact match if permitted, else an always-false condition."""
        if not may_reveal(self.model) or not isinstance(value, str):
            return query.filter(false())
        value = value.strip().upper()
        if self.datamodel.is_date(self.column_name):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                return query.filter(false())
        return super().apply(query, value)


class SafeFilterConverter(SQLAFilterConverter):
    """FAB's conversion table with every filter wrapped by SafeFilterMixin; sensitive columns
    get SensitiveEqual only."""

    conversion_table = tuple(
        (test, [_safe(f) for f in filters]) for test, filters in SQLAFilterConverter.conversion_table
    )

    def convert(self, col_name):
        """Filters offered on a column (list pages and the API's `q` alike)."""
        if is_sensitive_column(col_name):
            return [SensitiveEqual(col_name, self.datamodel)]
        return super().convert(col_name)


# --- the quick search box of every list --------------------------------------------------------------
QUICK_SEARCH_MAX = 50  # characters of a quick search that are used
STARTS, CONTAINS, EXACT = "starts", "contains", "exact"


def may_reveal(model) -> bool:
    """Whether the signed-in user may see `model`'s masked values in full (permission can_reveal),
    the condition for any search by such a value."""
    return has_request_context() and current_app.appbuilder.sm.has_access("can_reveal", model.__name__)


class QuickSearch(BaseFilter):
    """One text box, several columns: a row matches when any column does. Names start with the text,
    long texts (addresses) contain it; a masked value (学籍号, ID number) only ever matches exactly,
    and only for a user who may reveal it — for anyone else that column is left out of the search.

    `columns` are (path, how) pairs: `name`, or `student.name` through a many-to-one relation. They
    are the class's (`QuickSearch.over(columns)`): FAB re-creates filters from their class alone."""

    name = _l("Quick search")
    arg_name = "quick"
    columns: tuple[tuple[str, str], ...] = ()

    @classmethod
    def over(cls, columns) -> type["QuickSearch"]:
        """The quick search over these (path, how) pairs."""
        return type(cls.__name__, (cls,), {"columns": tuple(tuple(c) for c in columns)})

    def searchable(self) -> list[tuple[str, str]]:
        """The (path, how) pairs this user's search looks in (masked ones only if permitted)."""
        return [(path, how) for path, how in self.columns
                if how != EXACT or may_reveal(_target(self.model, path)[0])]

    def apply(self, query, value):
        """Rows where any searchable column matches; an empty text leaves the list as it is."""
        text = value.strip()[:QUICK_SEARCH_MAX] if isinstance(value, str) else ""
        if not text:
            return query
        dialect = self.datamodel.session.get_bind().dialect.name
        conditions = [_matches(self.model, path, how, text, dialect) for path, how in self.searchable()]
        return query.filter(or_(*conditions) if conditions else false())


def _target(model, path: str):
    """(model holding the column, column name) of `name` or `relation.name`."""
    if "." not in path:
        return model, path
    relation, column = path.split(".", 1)
    return inspect(model).relationships[relation].mapper.class_, column


def _matches(model, path: str, how: str, text: str, dialect: str):
    """The condition of one column; through a relation as `fk IN (SELECT id … WHERE …)`."""
    target, column = _target(model, path)
    field = getattr(target, column)
    if how == EXACT:
        condition = field == text.replace(" ", "").upper()
    elif how == CONTAINS:
        condition = field.contains(text, autoescape=True) if _caseless(text) else field.icontains(
            text, autoescape=True)
    elif _caseless(text) and dialect == "sqlite":  # an index range; LIKE on SQLite cannot use one
        condition = and_(field >= text, field < text + "\U0010ffff")
    elif _caseless(text):
        condition = field.startswith(text, autoescape=True)
    else:
        condition = field.istartswith(text, autoescape=True)
    if target is model:
        return condition
    relation = inspect(model).relationships[path.split(".", 1)[0]]
    (local, remote), = relation.local_remote_pairs
    return local.in_(select(remote).where(condition))


def quick_search_plan(datamodel, search_columns, declared=None) -> list[tuple[str, str]]:
    """The (path, how) pairs of a list's quick search: what the view declares (`name`, or
    (`address`, CONTAINS)), else the model's lookup fields and 学籍号, else its text search columns,
    else the lookup fields of its first searchable relation (an application's pupil)."""
    model = datamodel.obj
    if declared is not None:
        return [_how(model, c) if isinstance(c, str) else tuple(c) for c in declared]
    own = list(getattr(model, "__lookup_fields__", ()))
    own += [c for c in search_columns if kind_of(c) == STUDENT_NO and c not in own]
    if not own:
        own = [c for c in search_columns if not is_sensitive_column(c) and c in datamodel.list_columns
               and (datamodel.is_string(c) or datamodel.is_text(c)) and not datamodel.is_enum(c)][:3]
    if own:
        return [_how(model, c) for c in own]
    for col in search_columns:
        if datamodel.is_relation_many_to_one(col):
            related = datamodel.get_related_model(col)
            fields = list(getattr(related, "__lookup_fields__", ()))
            fields += [c for c in ("student_no",) if hasattr(related, c)]
            if fields:
                return [(f"{col}.{f}", _how(related, f)[1]) for f in fields]
    return []


def _how(model, path: str) -> tuple[str, str]:
    """How a column is searched: exactly if masked, by containment if a long text, else by its start."""
    target, column = _target(model, path)
    if is_sensitive_column(column):
        return path, EXACT
    sql_type = getattr(target, column).property.columns[0].type
    long_text = isinstance(sql_type, Text) or (getattr(sql_type, "length", None) or 0) > 64
    return path, CONTAINS if long_text else STARTS
