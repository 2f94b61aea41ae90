"""What every Zizhu view does with the user's scope: lookups, actions, writes, masked values."""
from flask import abort, jsonify, request
from flask_appbuilder import expose, has_access
from sqlalchemy import or_

from app.commands.reveal import reveal_value
from app.commands.rules import check_editable, validate_item
from app.errors import DomainError
from app.fab.downloads import NoFileDownload
from app.fab.interface import is_sensitive_order
from app.fab.quick_search import QuickSearchMixin
from app.runner import answer, run
from app.security.request_context import current_context
from app.security.scope import current_scope, limit
from app.views.framework.lookup import LOOKUP_LIMIT, lookup_fields, lookup_label
from app.views.framework.masking import is_sensitive, show_formatter


def _check_paging_args() -> None:
    """FAB reads page_<view> and psize_<view> with int(): anything else is a 400, not a 500."""
    for key, value in request.args.items(multi=True):
        if "page_" in key or "psize_" in key:
            try:
                int(value)
            except ValueError:
                abort(400)


class ScopedViewMixin(QuickSearchMixin, NoFileDownload):
    """Mixed into ZizhuModelView before FAB's ModelView: every path stays inside the scope (the list's
    quick search and filter chips included: they are FAB filters, applied with the scope's)."""

    def _init_properties(self):
        """FAB's properties; no sort link on a masked column (sorting by it is refused)."""
        super()._init_properties()
        self.order_columns = [c for c in self.order_columns if not is_sensitive_order(c)]

    # FAB's pages, with their page and page-size arguments checked first -------
    def _list(self, **kwargs):
        """FAB's list; a page number that is no number is a 400."""
        _check_paging_args()
        return super()._list(**kwargs)

    def _show(self, pk):
        """FAB's show page (with its related lists)."""
        _check_paging_args()
        return super()._show(pk)

    def _edit(self, pk):
        """FAB's edit page (with its related lists)."""
        _check_paging_args()
        return super()._edit(pk)


    # lookups ---------------------------------------------------------------
    def lookup_query(self, col_name: str):
        """Candidates for a relation field: the related rows inside the user's scope."""
        model = self.datamodel.get_related_model(col_name)
        return limit(self.datamodel.session.query(model), model)

    def load_related(self, col_name: str, pk):
        """One related object by key, through the same query the lookup uses; None if absent."""
        model = self.datamodel.get_related_model(col_name)
        try:
            key = int(pk)
        except (TypeError, ValueError):
            return None
        return self.lookup_query(col_name).filter(model.id == key).one_or_none()

    @expose("/lookup/<col_name>")
    @has_access
    def lookup(self, col_name):
        """JSON for select2: `{results: [{id, text}], pagination: {more}}`, 20 at a time."""
        columns = set(self.add_columns) | set(self.edit_columns) | set(self.search_columns)
        if col_name not in columns or not self.datamodel.is_relation(col_name):
            abort(404)
        model = self.datamodel.get_related_model(col_name)
        fields = lookup_fields(model)
        if not fields:
            abort(404)
        term = (request.args.get("q") or "").strip()[:50]
        page = max(1, request.args.get("page", 1, type=int))
        query = self.lookup_query(col_name)
        if term:
            query = query.filter(or_(*[getattr(model, f).contains(term, autoescape=True) for f in fields]))
        rows = query.order_by(model.id).offset((page - 1) * LOOKUP_LIMIT).limit(LOOKUP_LIMIT + 1).all()
        results = [{"id": r.id, "text": lookup_label(r)} for r in rows[:LOOKUP_LIMIT]]
        return jsonify(results=results, pagination={"more": len(rows) > LOOKUP_LIMIT})

    # validation and scope, shared with the API ------------------------------
    def _refuse_cleanly(self, check, item):
        """Run `check`; when it refuses, forget the form's changes (FAB leaves the row dirty) and re-raise."""
        try:
            check(item)
        except DomainError:
            self.datamodel.session.rollback()
            raise

    def pre_add(self, item):
        """Scope fields set by the server, then whole-record rules, before the insert."""
        self._refuse_cleanly(lambda i: validate_item(self.datamodel.session, i, scope=current_scope()), item)

    def pre_update(self, item):
        """Same before an update: a record cannot leave the user's scope."""
        self._refuse_cleanly(lambda i: validate_item(self.datamodel.session, i, scope=current_scope()), item)

    def pre_delete(self, item):
        """Only what may still change may go (a submitted application never)."""
        self._refuse_cleanly(check_editable, item)

    # actions: FAB loads their rows without the base filters -------------------
    def _in_scope(self, pk) -> bool:
        return self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters) is not None

    @expose("/action/<string:name>/<pk>", methods=["GET"])
    def action(self, name, pk):
        """FAB's single-row action, for a known action on a row inside the scope only."""
        if name not in self.actions or not self._in_scope(pk):
            abort(404)
        return super().action(name, pk)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        """FAB's bulk action, refused as a whole if any row lies outside the scope."""
        name = request.form.get("action", "")
        if name not in self.actions or not all(self._in_scope(pk) for pk in request.form.getlist("rowid")):
            abort(404)
        return super().action_post()

    # masked values -----------------------------------------------------------
    def can_reveal(self) -> bool:
        """Whether the user may ask for full ID numbers, bank accounts and phones here."""
        return self.appbuilder.sm.has_access("can_reveal", self.class_permission_name)

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        """FAB's show widget with sensitive values masked and a reveal button where permitted."""
        widgets = widgets or {}
        formatters = dict(self.formatters_columns)
        formatters.update({c: show_formatter(self, c, pk) for c in self.show_columns if is_sensitive(c)})
        widgets["show"] = self.show_widget(
            pk=pk, label_columns=self.label_columns, include_columns=self.show_columns,
            value_columns=self.datamodel.get_values_item(item, self.show_columns),
            formatters_columns=formatters, actions=actions or self.actions,
            fieldsets=show_fieldsets or self.show_fieldsets, modelview_name=self.__class__.__name__,
        )
        return widgets

    @expose("/reveal/<pk>", methods=["POST"])
    @has_access
    def reveal(self, pk):
        """JSON {value} of one sensitive column, with a reason; audited (permission can_reveal);
        a refused reason answers 400 {message}, a record not found or out of scope 404."""
        try:
            value = run(current_context(), reveal_value, self.datamodel.obj, pk,
                        request.form.get("column", ""), request.form.get("reason", ""))
        except DomainError as err:
            refusal = answer(err)
            if refusal.kind == "not_found":
                abort(404)
            return jsonify(message=refusal.message), 400
        return jsonify(value=value)
