"""The shared ModelView: lookups for relations, eager loading, translated enums, validation, versions."""
from flask import url_for
from flask_appbuilder import ModelView
from flask_appbuilder.fields import EnumField
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.widgets import ListWidget
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, ValidationError
from wtforms.validators import DataRequired

from app.commands.rules import field_rules
from app.errors import FieldErrors
from app.fab.interface import ZizhuInterface
from app.fab.request_state import PerRequestFilters
from app.formatting import format_blank, format_bool, format_date, format_many, format_money
from app.labels import COLUMN_LABELS, enum_label
from app.models.base import is_money
from app.security.roles import PERMISSION_FOLD
from app.security.scope_filter import SCOPE_BASE_FILTER
from app.views.framework.form_flow import FormFlowMixin, with_next
from app.views.framework.list_export import EXPORT_PERMISSION, ListExportMixin
from app.views.framework.lookup import LookupField, lookup_fields
from app.views.framework.masking import SensitiveField, is_sensitive, list_formatter
from app.views.framework.scoped import ScopedViewMixin
from app.views.framework.versioned import RecordVersionMixin

ROW_VERSIONS = ("version", "row_version")
KEEP_VALUE_HINT = _l("Shown masked; leave empty to keep the stored value, or type a new one.")
NO_CHOICE = _l("(none)")


class TranslatedEnumField(EnumField):
    """FAB's EnumField with translated labels instead of raw enum values."""

    def __init__(self, enum_class, **kwargs):
        super().__init__(enum_class, list(enum_class.__members__), **kwargs)
        self.choices = [(name, enum_label(member)) for name, member in enum_class.__members__.items()]

    def pre_validate(self, form):
        """A missing or unknown choice is a field error, not a server error."""
        try:
            super().pre_validate(form)
        except (ValueError, KeyError):
            raise ValidationError(self.gettext("Not a valid choice")) from None

    def process_formdata(self, valuelist):
        """Unknown names leave the field empty so that validation reports them."""
        try:
            super().process_formdata(valuelist)
        except (ValueError, KeyError):
            self.data = None


class OptionalEnumField(TranslatedEnumField):
    """A translated enum choice that may be left empty: a first, blank option (an optional column)."""

    def __init__(self, enum_class, blank_label=None, **kwargs):
        super().__init__(enum_class, **kwargs)
        self.choices = [("", blank_label if blank_label is not None else NO_CHOICE), *self.choices]
        inner = self.coerce
        self.coerce = lambda value: None if value in ("", None) else inner(value)


class RuleValidator:
    """WTForms adapter for a service rule, so forms show the error inline under the field."""

    def __init__(self, rule):
        self.rule = rule

    def __call__(self, form, field):
        if field.data in (None, ""):
            return
        try:
            field.data = self.rule(field.data, {k: f.data for k, f in form._fields.items()})
        except FieldErrors as err:
            raise ValidationError(str(next(iter(err.errors.values()))[0])) from None


class NeededLater:
    """Marks a field the record may be saved without but a later step needs (the * of a required
    field, with a hint); checks nothing itself: the step refuses it when it is still empty."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        """Nothing to check when the record is saved."""


class DefaultOrderInterface(ZizhuInterface):
    """A ZizhuInterface whose lists, while the user sorts by no column, follow `default_order(query)`
    (several columns, across relations: FAB's base_order takes one column)."""

    def __init__(self, obj, default_order=None, session=None):
        super().__init__(obj, session=session)
        self.default_order = default_order

    def get_related_interface(self, col_name):
        """A related model's interface is a plain ZizhuInterface (FAB builds one of this class)."""
        return ZizhuInterface(self.get_related_model(col_name))

    def query_count(self, query, filters=None, select_columns=None):
        """The count without the default order (sorting a district's rows to count them cost 150 ms)."""
        return ZizhuInterface(self.obj, session=self.session).query_count(query, filters, select_columns)

    def apply_order_by(self, query, order_column, order_direction, aliases_mapping=None,
                       bypass_many_to_many=False, add_pk=False):
        """The default order when no column is asked for, else FAB's."""
        if not order_column and self.default_order is not None:
            return self.default_order(query)
        return super().apply_order_by(query, order_column, order_direction, aliases_mapping=aliases_mapping,
                                      bypass_many_to_many=bypass_many_to_many, add_pk=add_pk)


class ZizhuModelView(PerRequestFilters, ListExportMixin, RecordVersionMixin, ScopedViewMixin, FormFlowMixin,
                     ModelView):
    """Base for every CRUD view. Subclasses set `datamodel = ZizhuInterface(Model)` and columns.

    Nothing a request sets is kept on the view (it serves every request at once): search filters
    are per request (PerRequestFilters), a stale edit is flagged in `g`. Add and edit forms show
    every refusal beside its field and return to `next` after a save (FormFlowMixin); a record's page
    offers to add its related records (members, pupils…) with it already chosen; every list exports
    to Excel as it is filtered and sorted (ListExportMixin)."""

    page_size = 20
    show_template = "zizhu/records/show.html"  # the record's add buttons above its tabs
    method_permission_name = {**PERMISSION_FOLD, **EXPORT_PERMISSION}
    list_widget = ListWidget
    search_exclude_columns = ["created_on", "changed_on", "created_by_fk", "changed_by_fk"]
    # {column: hint}: columns a later step needs (an application's signatures, to submit), marked *
    needed_later_columns: dict = {}

    def __init__(self, **kwargs):
        if not type(self).__dict__.get("class_permission_name"):
            self.class_permission_name = self.datamodel.obj.__name__
        self.base_filters = [SCOPE_BASE_FILTER] + list(type(self).base_filters or [])
        super().__init__(**kwargs)

    def _init_properties(self):
        """Add labels, translated enum fields, lookup fields and formatters before FAB builds forms."""
        self.label_columns = {**COLUMN_LABELS, **(type(self).label_columns or {})}
        super()._init_properties()
        # a record's version is SQLAlchemy's to raise, never typed in (edit forms carry it hidden)
        self.add_columns = [c for c in self.add_columns if c not in ROW_VERSIONS]
        self.edit_columns = [c for c in self.edit_columns if c not in ROW_VERSIONS]
        self.add_form_extra_fields = dict(self.add_form_extra_fields or {})
        self.edit_form_extra_fields = dict(self.edit_form_extra_fields or {})
        self.search_form_extra_fields = dict(self.search_form_extra_fields or {})
        self._add_sensitive_fields()
        self._add_enum_fields()
        self._add_boolean_fields()
        self._add_lookup_fields()
        self._add_rule_validators()
        self._mark_needed_later()
        self._add_formatters()
        self.datamodel.eager_relations = self._list_relations()

    def _columns_by_kind(self):
        """Yield (form extra-fields dict, column) for every form and search column."""
        for extra, cols in (
            (self.add_form_extra_fields, self.add_columns),
            (self.edit_form_extra_fields, self.edit_columns),
            (self.search_form_extra_fields, self.search_columns),
        ):
            for col in cols:
                if col not in extra:
                    yield extra, col

    def _add_sensitive_fields(self):
        """ID numbers, bank accounts, phones: edit forms never render the stored value."""
        for col in self.edit_columns:
            if is_sensitive(col) and col not in self.edit_form_extra_fields:
                rule = field_rules(self.datamodel.obj).get(col)
                self.edit_form_extra_fields[col] = SensitiveField(
                    self.label_columns.get(col, col), description=KEEP_VALUE_HINT,
                    validators=[RuleValidator(rule)] if rule else [],
                )

    def _add_enum_fields(self):
        """Enum columns: translated choices in forms, stored values in list filters."""
        for extra, col in self._columns_by_kind():
            if self.datamodel.is_enum(col):
                enum_cls = self.datamodel.list_columns[col].type.enum_class
                nullable = self.datamodel.is_nullable(col)
                if extra is self.search_form_extra_fields:  # filters compare stored values
                    extra[col] = SelectField(self.label_columns.get(col, col), choices=[
                        (m.value, enum_label(m)) for m in enum_cls
                    ], widget=Select2Widget())
                    continue
                extra[col] = (OptionalEnumField if nullable else TranslatedEnumField)(
                    enum_cls, label=self.label_columns.get(col, col), widget=Select2Widget(),
                    validators=[] if nullable else [DataRequired()],
                    description=self.description_columns.get(col, ""),
                )

    def _add_boolean_fields(self):
        """Checkboxes may stay unticked (False), although the column is NOT NULL."""
        for extra, col in self._columns_by_kind():
            if extra is not self.search_form_extra_fields and self.datamodel.is_boolean(col):
                default = self.datamodel.list_columns[col].default
                extra[col] = BooleanField(
                    self.label_columns.get(col, col),
                    default=bool(default.arg) if default is not None else False,
                    description=self.description_columns.get(col, ""),
                )

    def _add_lookup_fields(self):
        """Relations to big tables (models with __lookup_fields__) become AJAX lookups."""
        for extra, col in self._columns_by_kind():
            if self.datamodel.is_relation_many_to_one(col) and lookup_fields(
                self.datamodel.get_related_model(col)
            ):
                optional = extra is self.search_form_extra_fields or self.datamodel.is_nullable(col)
                extra[col] = LookupField(
                    self.label_columns.get(col, col),
                    validators=[] if optional else [DataRequired()],
                    interface=self.datamodel.get_related_interface(col),
                    loader=lambda pk, c=col: self.load_related(c, pk),
                    url=lambda c=col: url_for(f"{self.__class__.__name__}.lookup", col_name=c),
                )

    def _add_rule_validators(self):
        """The service rules of app/commands/rules.py, shown inline under each form field."""
        self.validators_columns = {k: list(v) for k, v in (self.validators_columns or {}).items()}
        for col, rule in field_rules(self.datamodel.obj).items():
            self.validators_columns.setdefault(col, []).append(RuleValidator(rule))

    def _mark_needed_later(self):
        """Fields a later step needs are marked like required ones, with a hint saying when."""
        self.description_columns = dict(self.description_columns or {})
        for col, later in self.needed_later_columns.items():
            self.validators_columns.setdefault(col, []).insert(0, NeededLater())
            hint = self.description_columns.get(col)
            self.description_columns[col] = LazyString(lambda h=hint, w=later: f"{h} {w}") if hint else later

    # the record's page: add related records from it --------------------------------
    def show_links(self, item, pk) -> list[tuple[str, str]]:
        """(label, url) of the buttons on a record's page: add each related record (a household's
        member, pupil…) with this record already chosen, returning to this page after saving."""
        here = url_for(f"{type(self).__name__}.show", pk=pk)
        links = []
        for view in self._related_views:
            fk = view.datamodel.get_related_fk(self.datamodel.obj)
            if fk is None or not view.datamodel.is_relation_many_to_one(fk) or not view._may("add"):
                continue
            add = url_for(f"{type(view).__name__}.add", **{f"_flt_0_{fk}": pk})
            links.append((str(view.add_title), with_next(add, here)))
        return links

    def _get_related_views_widgets(self, item, orders=None, pages=None, page_sizes=None, widgets=None, **_args):
        """The related lists on a record's page, each only for a user who may list its records (FAB draws
        them without asking: a school's page listed its pupils to a leader); None in place of one not."""
        widgets = widgets or {}
        orders, pages, page_sizes = orders or {}, pages or {}, page_sizes or {}
        widgets["related_views"] = []
        for view in self._related_views:
            name = type(view).__name__
            order_column, order_direction = orders.get(name) or ("", "")
            widgets["related_views"].append(self._get_related_view_widget(
                item, view, order_column, order_direction, page=pages.get(name), page_size=page_sizes.get(name),
            ) if view._may("list") else None)
        return widgets

    def render_template(self, template, **kwargs):
        """FAB's page, without the tabs of the related lists the user may not read (see above)."""
        related, widgets = kwargs.get("related_views"), kwargs.get("widgets")
        if related is not None and isinstance(widgets, dict) and "related_views" in widgets:
            shown = [(view, widget) for view, widget in zip(related, widgets["related_views"], strict=True)
                     if widget is not None]
            kwargs["related_views"] = [view for view, _widget in shown]
            widgets["related_views"] = [widget for _view, widget in shown]
        return super().render_template(template, **kwargs)

    def _get_related_view_widget(self, item, related_view, order_column="", order_direction="", page=None,
                                 page_size=None):
        """A related list on a record's page (a household's members) without the column naming that
        record: it is the one shown, on every row."""
        widget = super()._get_related_view_widget(item, related_view, order_column=order_column,
                                                  order_direction=order_direction, page=page,
                                                  page_size=page_size)
        fk = related_view.datamodel.get_related_fk(self.datamodel.obj)
        columns = widget.template_args.get("include_columns") if widget is not None else None
        if columns and fk in columns and len(columns) > 1:
            widget.template_args["include_columns"] = [c for c in columns if c != fk]
        return widget

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        """The show widget (masked values, reveal buttons) with the record's add buttons."""
        widgets = super()._get_show_widget(pk, item, widgets=widgets, actions=actions,
                                           show_fieldsets=show_fieldsets)
        widgets["show"].template_args["add_links"] = self.show_links(item, pk)
        return widgets

    def _add_formatters(self):
        """Enums, booleans, dates, money and to-many relations shown in the user's language."""
        for col in self.list_columns + self.show_columns:
            if col not in self.formatters_columns:
                formatter = self._formatter_for(col)
                if formatter is not None:
                    self.formatters_columns[col] = formatter

    def _formatter_for(self, col):
        """The formatter of one column by its kind; None leaves the value as FAB shows it."""
        model = self.datamodel
        if is_sensitive(col):
            return list_formatter(col)
        if model.is_relation_many_to_many(col) or model.is_relation_one_to_many(col):
            return format_many
        if model.is_relation_many_to_one(col):
            return format_blank
        if col not in model.list_columns:
            return None
        if model.is_enum(col):
            enum_cls = model.list_columns[col].type.enum_class
            return lambda v, e=enum_cls: enum_label(e(v) if isinstance(v, str) else v)
        if model.is_boolean(col):
            return format_bool
        if model.is_date(col) or model.is_datetime(col):
            return format_date
        if is_money(model.list_columns[col]):
            return format_money
        return format_blank

    def _list_relations(self) -> list[str]:
        """Many-to-one relations shown in the list, loaded in the same query (no N+1)."""
        return [c for c in self.list_columns if self.datamodel.is_relation_many_to_one(c)]
