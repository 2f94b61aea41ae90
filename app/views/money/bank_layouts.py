"""The bank file layouts page (银行文件格式): the layouts the district can use, each copied into a layout of its
own; the district's own ones edited (columns as JSON, checked as a bank file reads them), made its default,
put aside and used again.

Reading is the funds area's (`BankFileLayout` read: every role that sees the funds); changing is the
district office's (write, and a district-wide scope, checked again by app/commands/bank_layouts.py).
Every write is a command through the page runner; a refused save shows the form again as it was typed,
each message beside its field.
"""
import json

from flask import abort, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext

from app.commands import bank_layouts
from app.errors import DomainError
from app.models import FileFormat
from app.queries.bank_layouts import layouts
from app.security.request_context import current_context
from app.services.bank_files import FIELDS, PLACEHOLDERS
from app.views.framework.form_values import parse_id
from app.views.framework.once import OnceFormsMixin
from app.views.framework.runner import attempt, post


def columns_text(columns) -> str:
    """The columns as JSON text to edit: one entry a line, Chinese as it is."""
    if not isinstance(columns, list):
        return json.dumps(columns, ensure_ascii=False)
    return "[\n" + ",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in columns) + "\n]"


def _checked(form, name: str) -> bool:
    """A checkbox: ticked when sent with any value."""
    return form.get(name) not in (None, "", "0", "false")


class BankLayoutView(OnceFormsMixin, BaseView):
    """The layouts in scope, with the district office's copy, edit, default and put-aside forms."""

    route_base = "/money/bank-layouts"
    class_permission_name = "BankFileLayout"
    method_permission_name = {"index": "read", "edit": "read", "save": "write", "copy": "write",
                              "make_default": "write", "deactivate": "write", "activate": "write"}
    default_view = "index"

    def _can_change(self, ctx) -> bool:
        return (ctx.scope.school_id is None and ctx.scope.district_id is not None
                and self.appbuilder.sm.has_access("can_write", "BankFileLayout"))

    def _back(self):
        return redirect(url_for("BankLayoutView.index"))

    @expose("/")
    @has_access
    def index(self):
        """The shared layouts and the district's own, with their format, default, use and files made."""
        ctx = current_context()
        return self.render_template("zizhu/money/bank_layouts.html", rows=layouts(ctx.session, ctx.scope),
                                    can_change=self._can_change(ctx))

    def _form_page(self, row, form: dict, files: int):
        return self.render_template(
            "zizhu/money/bank_layouts_edit.html", layout=row, form=form, files=files, formats=list(FileFormat),
            fields=FIELDS, placeholders=[f"{{{p}}}" for p in PLACEHOLDERS],
            can_change=self._can_change(current_context()))

    @expose("/<int:pk>")
    @has_access
    def edit(self, pk):
        """A layout's values; the form to change them when it is the district's own."""
        ctx = current_context()
        try:
            row = bank_layouts.load(ctx, pk)
        except DomainError:
            abort(404)
        form = {"name": row.name, "file_format": row.file_format.value, "title_row": row.title_row,
                "total_row": row.total_row, "notes": row.notes or "", "version": row.version,
                "columns": columns_text(row.columns)}
        return self._form_page(row, form, bank_layouts.files_made(ctx.session, row.id))

    @expose("/<int:pk>", methods=["POST"])
    @has_access
    def save(self, pk):
        """Save the form; refused: the form again as typed, each message beside its field."""
        source = request.form
        ok, _ = attempt(bank_layouts.save_layout, pk, name=source.get("name", ""),
                        file_format=source.get("file_format", ""), columns=source.get("columns", ""),
                        title_row=_checked(source, "title_row"), total_row=_checked(source, "total_row"),
                        notes=source.get("notes", ""), version=parse_id(source.get("version")),
                        done=gettext("The bank file layout is saved."))
        if ok:
            return redirect(url_for("BankLayoutView.edit", pk=pk))
        ctx = current_context()
        try:
            row = bank_layouts.load(ctx, pk)
        except DomainError:
            abort(404)
        form = {key: source.get(key, "") for key in ("name", "file_format", "notes", "columns", "version")}
        form.update(title_row=_checked(source, "title_row"), total_row=_checked(source, "total_row"))
        return self._form_page(row, form, bank_layouts.files_made(ctx.session, row.id))

    @expose("/<int:pk>/copy", methods=["POST"])
    @has_access
    def copy(self, pk):
        """Copy a layout into a new one of the district, then open it."""
        ok, made = attempt(bank_layouts.copy_layout, pk, code=request.form.get("code", ""),
                           name=request.form.get("name", ""),
                           done=gettext("The layout is copied; change the copy as your bank asks."))
        return redirect(url_for("BankLayoutView.edit", pk=made.id)) if ok else self._back()

    @expose("/<int:pk>/default", methods=["POST"])
    @has_access
    def make_default(self, pk):
        """Make the layout the district's default."""
        return post(bank_layouts.set_default, pk, back=self._back(),
                    done=gettext("Bank files are now made in this layout unless another is chosen."))

    @expose("/<int:pk>/deactivate", methods=["POST"])
    @has_access
    def deactivate(self, pk):
        """No longer offer the layout (its files stay)."""
        return post(bank_layouts.deactivate, pk, back=self._back(),
                    done=gettext("The layout is no longer offered for bank files."))

    @expose("/<int:pk>/activate", methods=["POST"])
    @has_access
    def activate(self, pk):
        """Offer the layout again."""
        return post(bank_layouts.activate, pk, back=self._back(),
                    done=gettext("The layout is offered for bank files again."))
