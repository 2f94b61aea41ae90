"""Masked display and editing of sensitive columns (ID numbers, bank accounts, phones, birth dates)."""
from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import StringField

from app.services.masking import BIRTH, ID_SUFFIX, is_sensitive_column, kind_of, mask_column, mask_id_number

NOT_A_DATE = _l("Not a valid date; write it as 2016-09-01.")


def is_sensitive(column: str) -> bool:
    """Whether a column holds a value that is masked in every output."""
    return is_sensitive_column(column)


def id_tail(value) -> str:
    """****34: the end of an ID number's mask (the masking service's), for telling namesakes apart."""
    if not value:
        return ""
    return "****" + mask_id_number(str(value))[-ID_SUFFIX:]


def list_formatter(column: str):
    """Formatter for lists: the masked value only."""
    return lambda value: mask_column(column, value) or ""


def show_formatter(view, column: str, pk):
    """Formatter for a show page: the masked value, and a reveal button for permitted roles."""

    def render(value):
        masked = escape(mask_column(column, value) or "")
        if not value or not view.can_reveal():
            return masked
        return Markup(
            '<span class="zz-masked">{masked}</span> '
            '<button type="button" class="btn btn-xs btn-default zz-reveal" data-column="{column}" '
            'data-url="{url}">{label}</button>'
        ).format(masked=masked, column=column, url=url_for(f"{type(view).__name__}.reveal", pk=pk),
                 label=_l("Show full value"))

    return render


class SensitiveField(StringField):
    """Edit field that never renders the stored value: empty means 'keep the stored value'."""

    def process_data(self, value):
        """Remember the stored value; the form shows only its mask as a placeholder."""
        self.stored = value
        self.data = value

    def process_formdata(self, valuelist):
        """A typed value replaces the stored one; an empty field keeps it (see populate_obj)."""
        self.typed = (valuelist or [""])[0].strip()
        self.data = self._parsed(self.typed) if self.typed else getattr(self, "stored", None)

    def _parsed(self, text: str):
        """The typed text as the column stores it: a date for a birth date (ValueError if none)."""
        if kind_of(self.name) != BIRTH:
            return text
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(str(NOT_A_DATE)) from None

    def populate_obj(self, obj, name):
        """Write only a typed value: on a POST the form never saw the stored one."""
        if self.data not in (None, ""):
            setattr(obj, name, self.data)

    def _value(self):
        """Only what the user typed is rendered back (after a refused submit), never the stored value."""
        return getattr(self, "typed", "")

    def __call__(self, **kwargs):
        stored = getattr(self, "stored", None)
        if stored:
            kwargs.setdefault("placeholder", mask_column(self.name, stored))
        kwargs.setdefault("autocomplete", "off")
        return super().__call__(**kwargs)
