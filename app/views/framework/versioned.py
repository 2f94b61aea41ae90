"""Edit and add forms of the CRUD pages under concurrency: a stale edit is refused, a double click adds once.

An edit form carries the version of the record it was opened on (a hidden field); a save based on
an older version, or one that loses the race at the UPDATE (StaleDataError), is refused with the
form kept and nothing written. An add form carries a one-time token (app/views/once.py).
"""
from flask import g, request
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField

from app.commands.idempotency import AlreadyRecorded
from app.errors import STALE, Stale
from app.views.framework.once import ALREADY, FIELD, OnceField, claim_form


class StaleEdit(Stale):
    """The record changed after the edit form was opened; nothing was written."""


class VersionField(HiddenField):
    """The record's version the edit form was opened on; never written to the record (the mapper
    raises it on every UPDATE)."""

    def populate_obj(self, obj, name):
        """Leave the record's version to SQLAlchemy."""


def posted_version() -> int | None:
    """The version an edit form was opened on (None when the form carries none)."""
    text = (request.form.get("version") or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


class RecordVersionMixin:
    """Mixed into ZizhuModelView before the scope mixin: versions on edit, one-time tokens on add.

    The refusal of a stale edit is flagged in `g`, never on the view (it serves every request)."""

    def _init_forms(self):
        """FAB's forms; the add form carries a one-time token (a double click adds once), the edit
        form of a versioned record its version (hidden fields)."""
        super()._init_forms()
        self.add_form = type(self.add_form.__name__, (self.add_form,), {FIELD: OnceField()})
        if self._versioned():
            self.edit_form = type(self.edit_form.__name__, (self.edit_form,), {"version": VersionField()})

    def _versioned(self) -> bool:
        """Whether the model's rows carry a `version` that every UPDATE checks (app/models/base.py)."""
        column = self.datamodel.obj.__mapper__.version_id_col
        return column is not None and column.key == "version"

    def pre_add(self, item):
        """The form's one-time token first (sent twice, it adds once), then scope and record rules."""
        if not claim_form(self.datamodel.session):
            raise AlreadyRecorded(ALREADY)
        super().pre_add(item)

    def pre_update(self, item):
        """The scope and record rules, then the version: a save based on an older version is refused."""
        super().pre_update(item)
        if not self._versioned():
            return
        session = self.datamodel.session
        try:
            posted = posted_version()
            if posted is not None and posted != item.version:
                raise StaleEdit(STALE)
            session.flush()  # UPDATE … WHERE version = the one read: a save that won the race meanwhile
        except (StaleEdit, StaleDataError):  # makes it match no row
            session.rollback()
            g.zizhu_stale_edit = True
            raise StaleEdit(STALE) from None
