"""The quick search box and the active filters of every list page (the filter: app/fab/filters.py),
for Zizhu's views (through ScopedViewMixin) and FAB's own security pages (app/security/manager.py).

A view may declare `quick_search_columns` (["name", "student_no"], or ("address", CONTAINS));
without it the plan comes from the model (app/fab/filters.py::quick_search_plan). The box writes
FAB's own filter argument (`_flt_0_search`, a search column of its own), so it combines with the
other filters, the order, the page size and the scope like any filter, and shows in FAB's search
form like any other; the active filters are shown above the list as chips,
each with a link that removes it, a masked column's value never shown.
"""
import re
from urllib.parse import urlencode

from flask import request
from flask_appbuilder.models.sqla.filters import (
    FilterEqual,
    FilterRelationManyToManyEqual,
    FilterRelationOneToManyEqual,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length

from app.fab.filters import QUICK_SEARCH_MAX, QuickSearch, SensitiveEqual, quick_search_plan
from app.formatting import format_bool
from app.labels import enum_label
from app.services.masking import is_sensitive_column

_FILTER_ARG = re.compile(r"^_flt_(\d)_(.*)$")  # FAB reads one digit (flask_appbuilder.urltools)
SEARCH = "search"  # the quick search's column in the search form and the URL: _flt_0_search=张
_TRUE = {"y", "1", "true", "on"}
_NO_OPERATOR = (FilterEqual, FilterRelationOneToManyEqual, FilterRelationManyToManyEqual, SensitiveEqual,
                QuickSearch)


class QuickSearchMixin:
    """Mixed into a ModelView: the quick search as one more search column, `search` (first in the
    search form's menu, its filter `_flt_0_search` in the URL), offered as a box above the list, and
    the list's active filters as removable chips."""

    quick_search_columns: list | None = None
    _quick_arg: str | None = None  # the URL argument of the box

    def _init_properties(self):
        """FAB's properties, then the `search` column with its one filter (before FAB builds the
        search form from the search columns)."""
        super()._init_properties()
        self._quick_arg = None
        plan = quick_search_plan(self.datamodel, self.search_columns, self.quick_search_columns)
        if plan and SEARCH not in self.search_columns:
            self._install_quick_search(plan)

    def _install_quick_search(self, plan) -> None:
        """The pseudo-column: a label, a text field in the search form, and its QuickSearch filter
        where FAB looks for a column's filters (the search form's and the URL's)."""
        label = _l("Quick search")
        self.search_columns = [SEARCH, *self.search_columns]
        self.label_columns = {**(self.label_columns or {}), SEARCH: label}
        self.search_form_extra_fields = {**(self.search_form_extra_fields or {}),
                                         SEARCH: StringField(label, validators=[Length(max=QUICK_SEARCH_MAX)])}
        filters = self._filters
        if "_search_filters" not in vars(filters):  # FAB leaves the class's shared dict without columns
            filters._search_filters = {}
        quick = QuickSearch.over(plan)(SEARCH, self.datamodel)
        filters.search_columns = [SEARCH, *filters.search_columns]
        filters.get_search_filters()[SEARCH] = [quick]
        filters._all_filters[SEARCH] = [quick]
        self._quick_arg = f"_flt_0_{SEARCH}"

    def _list(self, **kwargs):
        """FAB's list with the quick search box and the chips of the active filters."""
        return super()._list(quick_search=self.quick_search_args(), **kwargs)

    # what the list template shows -------------------------------------------------------------
    def quick_search_args(self) -> dict:
        """The box (its argument, value, placeholder and the other arguments it keeps) and the chips."""
        chips = self.active_filter_chips()
        args = {"chips": chips, "clear_url": self._url_without(lambda key, _v: key.startswith("_flt_"))}
        if self._quick_arg:
            quick = self._quick_filter()
            labels = [self._column_label(path) for path, _how in quick.searchable()]
            args.update(
                arg=self._quick_arg, value=request.args.get(self._quick_arg, ""),
                placeholder=gettext("Search: %(columns)s", columns=gettext("、").join(labels)),
                hidden=[(k, v) for k, v in request.args.items(multi=True)
                        if k != self._quick_arg and not self._is_page_arg(k)],
            )
        return args

    def _quick_filter(self) -> QuickSearch:
        return self._filters._all_filters[SEARCH][0]

    def _column_label(self, path: str) -> str:
        """`student_no` → 学籍号; `student.name` → the relation's label (学生)."""
        head, _, tail = path.partition(".")
        column = tail if tail and tail != "name" else head
        return str(self.label_columns.get(column) or column)

    def active_filter_chips(self) -> list[dict]:
        """One chip per filter value in the URL that FAB applies: label, text and a removal link."""
        chips = []
        for key, value in request.args.items(multi=True):
            found = self._filter_of(key)
            if found is None or str(value).strip() == "":
                continue
            column, flt = found
            if isinstance(flt, QuickSearch):
                label, text = gettext("Quick search"), value.strip()
            else:
                label = str(self.label_columns.get(column, column))
                if not isinstance(flt, _NO_OPERATOR):
                    label = f"{label} {flt.name}"
                text = self._value_text(column, value)
            chips.append({
                "text": gettext("%(label)s: %(value)s", label=label, value=text),
                "remove_url": self._url_without(lambda k, v, key=key, value=value: (k, v) == (key, value)),
            })
        return chips

    def _filter_of(self, key: str):
        """(column, filter) of a URL argument as FAB would apply it, else None."""
        match = _FILTER_ARG.match(key)
        if not match:
            return None
        index, column = int(match.group(1)), match.group(2)
        offered = self._filters._all_filters.get(column, ())
        if column not in self._filters.get_search_filters() or index >= len(offered):
            return None
        return column, offered[index]

    def _value_text(self, column: str, value: str) -> str:
        """A filter value as the user reads it: a record's name, a translated choice, yes/no; a
        masked column's value is never shown, only that a filter is set."""
        if is_sensitive_column(column):
            return gettext("(set)")
        model = self.datamodel
        if model.is_relation(column):
            found = self._related(column, value)
            return str(found) if found is not None else gettext("(not found)")
        if model.is_enum(column):
            try:
                return enum_label(model.list_columns[column].type.enum_class(value))
            except ValueError:
                return value
        if model.is_boolean(column):
            return format_bool(str(value).lower() in _TRUE)
        return value

    def _related(self, column: str, value):
        """The record a relation filter names: through the view's scoped loader (ScopedViewMixin),
        else (FAB's own security pages, unscoped) by its key."""
        loader = getattr(self, "load_related", None)
        if loader is not None:
            return loader(column, value)
        try:
            return self.datamodel.get_related_interface(column).get(int(value))
        except (TypeError, ValueError):
            return None

    def _is_page_arg(self, key: str) -> bool:
        return key == f"page_{type(self).__name__}"

    def _url_without(self, dropped) -> str:
        """This page's URL without the arguments `dropped(key, value)` names, back on the first page."""
        kept = [(k, v) for k, v in request.args.items(multi=True)
                if not dropped(k, v) and not self._is_page_arg(k)]
        return request.path + (f"?{urlencode(kept)}" if kept else "")

