"""Related-field lookups: a select2 AJAX widget and field that never render a whole table."""
import re

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Field
from wtforms.validators import StopValidation

from app.formatting import format_class
from app.views.framework.masking import id_tail

LOOKUP_LIMIT = 20
ID_COLUMNS = ("id_number", "guardian_id_number")  # whose masked tail tells two namesakes apart


def lookup_fields(model) -> tuple[str, ...]:
    """Columns a lookup of `model` searches; empty for small code lists (plain dropdowns)."""
    return getattr(model, "__lookup_fields__", ())


def lookup_label(obj) -> str:
    """How a picker names a record: a pupil as 张美 · 3年级2班 · ****34, a household with its
    guardian's masked ID tail, so that two 张美 can be told apart; anything else by its name."""
    parts = [str(obj)]
    grade, class_name = getattr(obj, "grade", None), getattr(obj, "class_name", None)
    if grade is not None and class_name:
        parts.append(format_class(grade, class_name))
    tail = next((id_tail(getattr(obj, c)) for c in ID_COLUMNS if getattr(obj, c, None)), "")
    if tail:
        parts.append(tail)
    return " · ".join(parts)


class LookupWidget:
    """Renders a <select> holding only the chosen option(s); zizhu.js loads the rest on demand."""

    def __init__(self, url):
        self.url = url  # a callable, resolved at render time (routes exist only then)

    def __call__(self, field, **kwargs) -> Markup:
        options = [(field.pk_of(field.data), lookup_label(field.data))] if field.data is not None else []
        if not options:
            options = field.active_filter_options()
        attrs = {
            "id": field.id, "name": field.name, "class": "zz-lookup form-control",
            "data-url": self.url(), "data-placeholder": str(_l("Type to search")),
        }
        head = " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items())
        body = "".join(
            f'<option value="{escape(pk)}" selected>{escape(text)}</option>' for pk, text in options
        )
        return Markup(f'<select {head}><option value=""></option>{body}</select>')


class LookupField(Field):
    """A many-to-one relation chosen by primary key; `data` is the related object or None."""

    def __init__(self, label=None, validators=None, *, interface, loader, url, **kwargs):
        super().__init__(label, validators, widget=LookupWidget(url), **kwargs)
        self.interface = interface
        self.loader = loader
        self._bad_value = False

    def pk_of(self, obj) -> str:
        """The primary key of a related object, as a string for the form."""
        return str(self.interface.get_pk_value(obj))

    def process_formdata(self, valuelist):
        """Turn the submitted primary key into the related object (in the user's scope)."""
        self._bad_value = False
        raw = (valuelist or [""])[0]
        if raw in ("", None):
            self.data = None
            return
        self.data = self.loader(raw)
        self._bad_value = self.data is None

    def pre_validate(self, form):
        """A key that does not resolve (deleted, out of scope, garbage) is a field error."""
        if self._bad_value:
            raise StopValidation(_l("The chosen record does not exist or is not available."))

    def _value(self):
        return self.pk_of(self.data) if self.data is not None else ""

    def active_filter_options(self) -> list[tuple[str, str]]:
        """Options for the values of active list filters on this column (search form)."""
        if not has_request_context():
            return []
        pattern = re.compile(rf"^_flt_\d+_{re.escape(self.name)}$")
        values = [v for k in request.args for v in request.args.getlist(k) if pattern.match(k)]
        found = [self.loader(v) for v in values[:5]]
        return [(self.pk_of(obj), lookup_label(obj)) for obj in found if obj is not None]
