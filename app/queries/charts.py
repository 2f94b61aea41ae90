"""Charts any model can declare: counts and sums of a model's rows by a category, each series one
SQL GROUP BY through the scope filter, never rows loaded into Python.

A `Chart` has a `Category` (what its bars or slices are) and series: a `Series` counts or sums rows
of one model (`where` narrows them; `sensitive` shows a count under 5 as "<5"), a `Ratio` divides
two series (a percentage, e.g. coverage: aided ÷ enrolled). `chart_data` answers the JSON the page
draws: {key, title, kind, unit, labels, keys, series: [{name, data, total}], link}.
"""
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from sqlalchemy import distinct, func, select

from app.security.scope import Scope, criterion

MASKED = "<5"  # what a small count of a sensitive category shows instead of its number
SMALLEST_SHOWN = 5
CENT = Decimal("0.01")

Join = Callable[[Any, type], Any]  # (select, the series' model) → the select joined to the category's table


def via(target, column: str) -> Join:
    """A category join: the series' model's `column` (e.g. "school_id") names a row of `target`."""
    return lambda query, model: query.join(target, getattr(model, column) == target.id)


@dataclass(frozen=True)
class Category:
    """What a chart's bars are. `key` is grouped on (and is a drill-down's argument); `label` names a
    bar (else `names(key)`, else the key); `order` sorts the bars (else the label). A column given as
    a string is that attribute of each series' model (e.g. "boarding"); `join` reaches other tables."""

    key: Any
    label: Any = None
    order: Any = None
    names: Callable[[Any], str] | None = None
    join: Join | None = None
    many: bool = False  # a row may fall in several bars (a household in two special groups)


@dataclass(frozen=True)
class Series:
    """COUNT(*) of `model`'s rows in scope (COUNT(DISTINCT `distinct`), or SUM(`value`)) per category."""

    name: Any
    model: type
    value: Any = None
    distinct: Any = None
    where: tuple = ()
    sensitive: bool = False  # a count 1–4 shows as "<5" (special groups, disability…), and no total

    @property
    def unit(self) -> str:
        """"money" for sums, "count" for counts."""
        return "count" if self.value is None else "money"


@dataclass(frozen=True)
class Ratio:
    """`numerator` ÷ `denominator` per category, in per cent with one decimal (None where nothing to divide)."""

    name: Any
    numerator: Series
    denominator: Series
    unit: str = "percent"


@dataclass(frozen=True)
class Chart:
    """A chart of one or more series over one category; `kind` is bar, stack, line or pie; `link` (a URL
    with `__key__` in it) is where a click on a bar leads."""

    key: str
    title: Any
    by: Category
    series: tuple
    kind: str = "bar"
    link: str | None = None
    totals: bool = True  # False: no series' total (a total over the bars means nothing, or is not shown)


def _column(model, column):
    """A category column: the attribute of the series' model when named by a string."""
    return getattr(model, column) if isinstance(column, str) else column


def _aggregate(series: Series):
    if series.value is not None:
        return func.coalesce(func.sum(series.value), 0)
    if series.distinct is not None:
        return func.count(distinct(series.distinct))
    return func.count()


def _in_scope(query, scope: Scope, series: Series, by: Category):
    """The query over the series' rows in scope, joined to the category's table."""
    if by.join is not None:
        query = by.join(query, series.model)
    query = query.where(*series.where)
    where = criterion(series.model, scope)
    return query if where is None else query.where(where)


def figures(session, scope: Scope, series: Series, by: Category) -> dict[Any, tuple[Any, Any, Any]]:
    """{key: (label, order, value)} of one series: one GROUP BY of its model's rows in scope."""
    model = series.model
    columns = [_column(model, c) for c in (by.key, by.label, by.order) if c is not None]
    query = _in_scope(select(*columns, _aggregate(series)).select_from(model), scope, series, by)
    found = {}
    for row in session.execute(query.group_by(*columns)):
        values = iter(row[1:-1])
        label = next(values) if by.label is not None else None
        order = next(values) if by.order is not None else None
        found[row[0]] = (label, order, row[-1])
    return found


def _counted_apart(series: Series, by: Category) -> bool:
    """Whether the series' total must be counted over its rows rather than summed over the bars: a
    pupil counted once per bar (COUNT DISTINCT) may be in two bars, and so may a row of a `many` category."""
    return series.distinct is not None or by.many


def _parts_of(series) -> tuple[Series, ...]:
    """The series a chart's series is figured from (a ratio's numerator and denominator)."""
    return (series.numerator, series.denominator) if isinstance(series, Ratio) else (series,)


def _parts(chart: Chart) -> list[Series]:
    """The series a chart's figures come from."""
    return [part for series in chart.series for part in _parts_of(series)]


def _additive(series: Series, by: Category) -> bool:
    """Whether the series' figure of a coarser bar is the sum of finer ones: no pupil counted once across
    bars (COUNT DISTINCT), no row in two bars."""
    return series.distinct is None and not by.many


def figures_together(session, scope: Scope, series: Series, categories: list[Category]) -> list[dict]:
    """The series by each of the categories (sharing one join, or needing none) from one GROUP BY over all
    their columns, each category's figures folded from the finer groups: one scan of the model's rows
    instead of one per category."""
    model, columns, spans = series.model, [], []
    for by in categories:
        own = [_column(model, c) for c in (by.key, by.label, by.order) if c is not None]
        spans.append((len(columns), len(own)))
        columns += own
    join = next((by.join for by in categories if by.join is not None), None)
    query = _in_scope(select(*columns, _aggregate(series)).select_from(model), scope, series, Category(None, join=join))
    rows = session.execute(query.group_by(*columns)).all()
    found = []
    for by, (start, width) in zip(categories, spans, strict=True):
        folded: dict = {}
        for row in rows:
            key, *rest = row[start:start + width]
            label = rest.pop(0) if by.label is not None else None
            order = rest.pop(0) if by.order is not None else None
            value = folded[key][2] if key in folded else 0
            folded[key] = (label, order, value + (row[-1] or 0))
        found.append(folded)
    return found


class Figures:
    """One request's figures: each series by each category queried once, however many charts show it
    (the charts of a section share series). Keyed by the objects themselves, kept alive with the cache.
    `plan` the charts first, and an additive series shown by several categories is one GROUP BY."""

    def __init__(self, session, scope: Scope):
        self.session, self.scope = session, scope
        self._found: dict = {}
        self._together: dict = {}  # id(series) → (series, [categories]) grouped in one query

    def plan(self, charts: list[Chart]) -> None:
        """Note which categories each additive series of the charts is shown by: those sharing one join
        (or needing none) are then grouped together."""
        wanted: dict = {}
        for chart in charts:
            for part in _parts(chart):
                if _additive(part, chart.by):
                    categories = wanted.setdefault(id(part), (part, {}))[1]
                    categories.setdefault(id(chart.by), chart.by)
        for key, (series, categories) in wanted.items():
            joins = {id(by.join) for by in categories.values() if by.join is not None}
            if len(categories) > 1 and len(joins) <= 1:
                self._together[key] = (series, list(categories.values()))

    def _once(self, key: tuple, parts: tuple, compute: Callable[[], Any]):
        if key not in self._found:
            self._found[key] = (parts, compute())
        return self._found[key][1]

    def of(self, series: Series, by: Category) -> dict[Any, tuple[Any, Any, Any]]:
        """{key: (label, order, value)} of the series per bar (app/queries/charts.figures)."""
        together = self._together.get(id(series))
        if together is not None and any(by is planned for planned in together[1]):
            found = self._once(("together", id(series)), together,
                               lambda: figures_together(self.session, self.scope, *together))
            return found[next(i for i, planned in enumerate(together[1]) if planned is by)]
        return self._once(("of", id(series), id(by)), (series, by),
                          lambda: figures(self.session, self.scope, series, by))

    def total(self, series: Series, by: Category):
        """The series over every bar at once, each pupil (or row) counted once: one query without GROUP BY,
        through the category's join, so that it counts exactly the rows the bars count."""
        def compute():
            model, query = series.model, select(_aggregate(series)).select_from(series.model)
            if by.many:  # each row once: those in at least one bar, not once per bar it is in
                in_bars = _in_scope(select(model.id).select_from(model), self.scope, series, by)
                query = _in_scope(query, self.scope, series, Category(None)).where(model.id.in_(in_bars))
            else:
                query = _in_scope(query, self.scope, series, by)
            return self.session.scalar(query)
        return self._once(("total", id(series), id(by.join), by.many), (series, by.join), compute)


def _total(figures_: Figures, series: Series, by: Category, values: dict):
    """The series' total: the bars' sum, or counted apart when a pupil may be in two bars."""
    return figures_.total(series, by) if _counted_apart(series, by) else sum(values.values())


def _label(by: Category, key, label) -> str:
    if key is None and label is None:
        return gettext("(none)")
    if by.names is not None:
        return str(by.names(key))
    return str(label if label is not None else key)


def _sort_key(item):
    _key, (label, order) = item
    return (order is None, order if order is not None else "", label)


def _shown(series: Series, value):
    """A figure as the page gets it: a count (or "<5"), or money as a string to the fen."""
    if series.value is not None:
        return str(Decimal(value or 0).quantize(CENT))
    value = int(value or 0)
    if series.sensitive and 0 < value < SMALLEST_SHOWN:
        return MASKED
    return value


def _percent(numerator, denominator) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def _json_key(key):
    """A category key for the page: enums by value, booleans as 1/0."""
    if hasattr(key, "value"):
        return key.value
    if isinstance(key, bool):
        return int(key)
    return key


def _series_json(figures_: Figures, chart: Chart, series, found: list[dict], keys: list) -> dict:
    """One series of the chart as the page gets it: its figure per bar, and its total (None when the chart
    has no totals, or for a sensitive count)."""
    if isinstance(series, Ratio):
        numerators, denominators = found
        data = [_percent(numerators.get(k, 0), denominators.get(k, 0)) for k in keys]
        total = _percent(_total(figures_, series.numerator, chart.by, numerators),
                         _total(figures_, series.denominator, chart.by, denominators)) if chart.totals else None
    else:
        data = [_shown(series, found[0].get(k)) for k in keys]
        shown = chart.totals and not series.sensitive
        total = _shown(series, _total(figures_, series, chart.by, found[0])) if shown else None
    return {"name": str(series.name), "data": data, "total": total}


def chart_data(session, scope: Scope, chart: Chart, figures_: Figures | None = None) -> dict:
    """The chart's JSON: its categories in order, and each series' figure per category (0 when none).
    Charts drawn together pass one `Figures`, so that a series they share is queried once."""
    figures_ = figures_ or Figures(session, scope)
    columns = []  # per series of the chart: (series, {key: value}) or (ratio, numerator, denominator)
    categories: dict = {}
    for series in chart.series:
        found = []
        for part in _parts_of(series):
            rows = figures_.of(part, chart.by)
            for key, (label, order, _value) in rows.items():
                categories.setdefault(key, (_label(chart.by, key, label), order))
            found.append({key: value for key, (_label_, _order, value) in rows.items()})
        columns.append((series, *found))
    ordered = sorted(categories.items(), key=_sort_key)
    keys = [key for key, _ in ordered]
    out = [_series_json(figures_, chart, series, found, keys) for series, *found in columns]
    units = {series.unit for series in chart.series}
    return {"key": chart.key, "title": str(chart.title), "kind": chart.kind,
            "unit": units.pop() if len(units) == 1 else "mixed",
            "labels": [label for _key, (label, _order) in ordered], "keys": [_json_key(k) for k in keys],
            "series": out, "link": chart.link}
