"""Add and edit forms of the CRUD pages: every refusal beside its field in one round trip, and back
to the page the officer came from.

FAB's own flow shows the WTForms errors, but a refusal of the record rules (a duplicate ID number,
a relation outside the scope…) raised before the save was only flashed — its first message — and
the form was lost behind a redirect. Here:

- a form whose fields pass is saved; if the record rules refuse it, the form is shown again as sent
  with each refused field's message under that field (the others, not on the form, flashed);
- a form with refused fields is also checked against the record rules on the fields that passed
  (nothing is written), so the officer sees every message at once;
- after a save the officer returns to `next` — a same-origin path only (`safe_next`): an absolute,
  protocol-relative or backslashed URL is ignored (no open redirect) — else to the page FAB's
  history holds, and never to the workbench: a record saved without a page to return to is shown.
"""
import logging
from urllib.parse import urlencode, urlsplit

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder.urltools import get_filter_args, get_order_args, get_page_args, get_page_size_args
from flask_babel import gettext
from sqlalchemy.orm.exc import StaleDataError

from app.commands.rules import validate_item
from app.errors import DomainError, FieldErrors, Stale
from app.security.scope import current_scope
from app.views.framework.masking import is_sensitive

log = logging.getLogger(__name__)

NEXT = "next"
MAX_NEXT_LENGTH = 1000


def safe_next(raw) -> str | None:
    """`raw` when it is a path on this site ("/…"), else None: no scheme, no host, no "//" or "\\"
    (browsers read "/\\evil" as "//evil"), no spaces or control characters (browsers drop tabs and
    line breaks, so "/\\t/evil" would become "//evil")."""
    if not isinstance(raw, str) or not raw.startswith("/") or len(raw) > MAX_NEXT_LENGTH:
        return None
    if raw.startswith("//") or "\\" in raw or any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in raw):
        return None
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return None
    return raw


def requested_next() -> str | None:
    """This request's safe `next` (query string first, then the posted form), else None."""
    return safe_next(request.args.get(NEXT)) or safe_next(request.form.get(NEXT))


def with_next(url: str, back: str | None) -> str:
    """`url` with `next=back` added to its query string (when `back` is a safe path)."""
    back = safe_next(back.rstrip("?")) if isinstance(back, str) else None
    if not back:
        return url
    return url + ("&" if "?" in url else "?") + urlencode({NEXT: back})


def _field_of(form, name: str):
    """The form field a refused column stands for: the column itself, or its relation (household_id →
    household); None when the form does not show it."""
    for key in (name, name[:-3] if name.endswith("_id") else None):
        if key and key in form._fields:
            return form._fields[key]
    return None


def place_errors(form, errors: dict, exclude_cols=()) -> dict:
    """Put each refused field's messages under that field (when it has none yet); returns the refusals
    of fields the form does not show."""
    left = {}
    for name, messages in errors.items():
        field = _field_of(form, name)
        if field is None or field.name in exclude_cols:
            left[name] = messages
            continue
        field.errors = list(field.errors or [])
        if not field.errors:
            field.errors.extend(str(m) for m in messages)
    return left


def flash_unplaced(errors: dict) -> None:
    """Flash, with their labels, the refusals no field on the form can show."""
    for name, messages in errors.items():
        for message in messages:
            flash(FieldErrors.labelled(name, message), "danger")


class FormFlowMixin:
    """Mixed into ZizhuModelView right above FAB's ModelView: FAB's `_add`/`_edit` with refusals
    shown inline, and the redirect after a save to the page the officer came from."""

    def create_blueprint(self, appbuilder, *args, **kwargs):
        """FAB's blueprint, with the `with_next` filter for templates (a link that returns here)."""
        blueprint = super().create_blueprint(appbuilder, *args, **kwargs)
        blueprint.add_app_template_filter(with_next, "with_next")
        return blueprint

    def _fill_form_exclude_cols(self, exclude_cols, form):
        """The relations chosen by the page that opened the form (`_flt_0_household=…`), loaded inside
        the user's scope (FAB's loads any row: another school's household would be named on the form);
        one not found or out of scope stays empty and is refused as such."""
        for key in exclude_cols:
            if key in form._fields and self.datamodel.is_relation_many_to_one(key):
                value = self._filters.get_filter_value(key)
                if isinstance(value, (list, tuple)):  # FAB keeps every value a filter was given
                    value = value[0] if len(value) == 1 else None
                form._fields[key].data = self.load_related(key, value)

    def prefill_add_form(self, form) -> None:
        """Override to fill the add form shown first (a default the officer may change)."""

    def prefill_from_scope(self, form, exclude_cols=()) -> None:
        """The choices the user's scope leaves only one of, preset on the add form shown first: the
        school of a school's officer (loaded through the scoped lookup), and a class teacher's grade
        and class when they have one class. Only a default: what is posted is checked by the scope."""
        scope = current_scope()
        field = form._fields.get("school")
        if (scope.school_id is not None and field is not None and field.data is None
                and "school" not in exclude_cols and self.datamodel.is_relation_many_to_one("school")):
            field.data = self.load_related("school", scope.school_id)
        if len(scope.classes) == 1:
            grade, class_name = scope.classes[0]
            for name, value in (("grade", grade), ("class_name", class_name)):
                if name in form._fields and form._fields[name].data in (None, "") and name not in exclude_cols:
                    form._fields[name].data = value

    # the add form --------------------------------------------------------------
    def _add(self):
        """FAB's add: a valid form is saved (None: redirect); otherwise the add widget with every error."""
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        form = self.add_form.refresh()
        self._fill_form_exclude_cols(exclude_cols, form)  # the chosen household shows on the form
        if request.method == "POST":
            if form.validate():
                self.process_form(form, True)
                item = self.datamodel.obj()
                try:
                    form.populate_obj(item)
                    self.pre_add(item)
                except FieldErrors as err:
                    self._refused(form, err, exclude_cols)
                    return self._get_add_widget(form=form, exclude_cols=exclude_cols)
                except Exception as err:  # noqa: BLE001 - FAB's own answer: flashed, back to the list
                    flash(str(err), "danger")
                    return None
                if self._save(self.datamodel.add, self.post_add, True, item):
                    return None
            else:
                self._check_rules_too(form, self.datamodel.obj(), exclude_cols)
            return self._get_add_widget(form=form, exclude_cols=exclude_cols)
        self.prefill_add_form(form)
        self.prefill_from_scope(form, exclude_cols)
        self.update_redirect()
        return self._get_add_widget(form=form, exclude_cols=exclude_cols)

    # the edit form -------------------------------------------------------------
    def _edit(self, pk):
        """FAB's edit: a valid form is saved (None: redirect); otherwise the edit widget with every error;
        a save overtaken by another (stale) shows the form again as sent."""
        pages, page_sizes, orders = get_page_args(), get_page_size_args(), get_order_args()
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        pk = self.datamodel.get_pk_value(item)
        if request.method == "POST":
            form = self._post_edit(pk, item, exclude_cols)
            if form is None:
                return None  # saved, or refused as FAB does: redirect
            item = self.datamodel.get(pk, self._base_filters)
            if item is None:
                abort(404)
        else:
            form = self.edit_form.refresh(obj=item)
            self.prefill_form(form, pk)
        widgets = self._get_edit_widget(form=form, exclude_cols=exclude_cols)
        widgets = self._get_related_views_widgets(item, filters={}, orders=orders, pages=pages,
                                                  page_sizes=page_sizes, widgets=widgets)
        if request.method != "POST":
            self.update_redirect()
        return widgets

    def _post_edit(self, pk, item, exclude_cols):
        """Save a posted edit form: None when saved (or refused as FAB does, flashed); else the form to
        show again with every error (a stale save: as it was sent, with its old version)."""
        form = self.edit_form.refresh(request.form)
        self._fill_form_exclude_cols(exclude_cols, form)
        form._id = pk
        if not form.validate():
            self._check_rules_too(form, item, exclude_cols)
            return form
        self.process_form(form, False)
        try:
            form.populate_obj(item)
            self.pre_update(item)
        except FieldErrors as err:
            self._refused(form, err, exclude_cols)
            return form
        except Stale as err:
            flash(str(err), "danger")
            form = self.edit_form.refresh(request.form)  # keeps the old version: reopen to save
            self._fill_form_exclude_cols(exclude_cols, form)
            return form
        except Exception as err:  # noqa: BLE001 - FAB's own answer: flashed, back
            flash(str(err), "danger")
            return None
        saved = self._save(self.datamodel.edit, self.post_update, False, item)
        return None if saved else form

    # saving and checking -------------------------------------------------------
    def _refused(self, form, err: FieldErrors, exclude_cols) -> None:
        """Forget the form's changes (nothing is written) and put each refusal under its field."""
        self.datamodel.session.rollback()
        flash_unplaced(place_errors(form, err.errors, exclude_cols))

    def _save(self, write, after, created: bool, item) -> bool:
        """Write and commit, then FAB's post_add/post_update hook; True when saved (flashed with what
        was saved, `saved_message`). A refusal at the database is flashed and the form kept (False)."""
        try:
            write(item)
        except StaleDataError:
            self.datamodel.session.rollback()
            flash(str(Stale()), "danger")
            return False
        except Exception as err:  # noqa: BLE001 - e.g. a unique value taken a moment ago
            log.warning("a form's record was not saved: %s", err)
            self.datamodel.session.rollback()
            flash(str(self.database_error_message), "danger")
            return False
        g.zizhu_saved_pk = self.datamodel.get_pk_value(item)
        after(item)
        flash(self.saved_message(item, created), "success")
        return True

    def saved_message(self, item, created: bool) -> str:
        """What was saved, named as the list names it: "已新增学生：欧阳晨曦", "已保存家庭：龙秀英"; the
        kind alone when the record has no name to show (never a masked value)."""
        kind, name = str(self.show_title), self.record_name(item)
        if created:
            return gettext("%(kind)s added: %(name)s", kind=kind, name=name) if name else \
                gettext("%(kind)s added", kind=kind)
        return gettext("%(kind)s saved: %(name)s", kind=kind, name=name) if name else \
            gettext("%(kind)s saved", kind=kind)

    def record_name(self, item) -> str:
        """The record's name as its list shows it: the first list column's value (a relation by its
        name); empty when that column is masked (an ID number) or empty."""
        col = next(iter(self.list_columns or []), None)
        if col is None or is_sensitive(col):
            return ""
        value = getattr(item, col, None)
        if value is None or value == "":
            return ""
        return str(value)

    def _check_rules_too(self, form, item, exclude_cols) -> None:
        """The form has refused fields: run the record rules on the fields that passed as well (the
        scope, unique values…), to show every message at once. Nothing is written."""
        session = self.datamodel.session
        refused = {name for name, field in form._fields.items() if field.errors}
        try:
            with session.no_autoflush:
                for name, field in form._fields.items():
                    if name not in refused:
                        field.populate_obj(item, name)
                validate_item(session, item, scope=current_scope())
        except FieldErrors as err:
            left = place_errors(form, {k: v for k, v in err.errors.items() if k not in refused}, exclude_cols)
            flash_unplaced({k: v for k, v in left.items() if k not in refused})
        except (DomainError, LookupError, TypeError, ValueError) as err:  # the form's own errors say enough
            log.debug("record rules not run on a refused form: %s", err)
        finally:
            session.rollback()

    # where to go after saving -----------------------------------------------------
    def post_add_redirect(self):
        """Back to `next`, else where FAB's history says; never to the workbench."""
        return redirect(self._after_save())

    def post_edit_redirect(self):
        """Back to `next`, else where FAB's history says; never to the workbench."""
        return redirect(self._after_save())

    def _after_save(self) -> str:
        """`next` when safe; else the previous page of FAB's history; when that is only the start page,
        the saved record (or the list)."""
        history = self.get_redirect()  # also drops the form's own page from the history
        back = requested_next()
        if back:
            return back
        if history != self.appbuilder.get_url_for_index:
            return history
        pk = g.get("zizhu_saved_pk")
        if pk is not None and self._may("show"):
            return url_for(f"{type(self).__name__}.show", pk=pk)
        return url_for(f"{type(self).__name__}.list")

    def _may(self, method: str) -> bool:
        """Whether the signed-in user may open this view's `method` page (show, add…)."""
        folded = (self.method_permission_name or {}).get(method, method)
        return self.appbuilder.sm.has_access(f"can_{folded}", self.class_permission_name)

