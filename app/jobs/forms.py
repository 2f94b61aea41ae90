"""The start form of a job: the options its kind asks for, with choices limited to the scope."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from app.labels import COLUMN_LABELS, enum_label
from app.models import School, StudentStatus, Term
from app.security.scope import limit

GRADES = range(1, 7)


def _school_choices(session) -> list[tuple[str, str]]:
    """Schools the user may see (one for a school officer), by code."""
    schools = limit(session.query(School.id, School.name), School).order_by(School.code)
    return [("", _l("All schools"))] + [(str(s.id), s.name) for s in schools]


def _term_choices(session) -> tuple[list[tuple[str, str]], str]:
    """Terms, newest first, and the current one as the default."""
    terms = session.query(Term.id, Term.name, Term.is_current).order_by(Term.start_date.desc()).all()
    current = next((str(t.id) for t in terms if t.is_current), str(terms[0].id) if terms else "")
    return [(str(t.id), t.name) for t in terms], current


def _fields(session) -> dict:
    """Every option a kind may ask for, as a form field."""
    terms, current = _term_choices(session)
    return {
        "term_id": SelectField(COLUMN_LABELS["term"], choices=terms, default=current),
        "school_id": SelectField(COLUMN_LABELS["school"], choices=_school_choices(session), default=""),
        "grade": SelectField(COLUMN_LABELS["grade"], default="",
                             choices=[("", _l("All grades"))] + [(str(g), str(g)) for g in GRADES]),
        "status": SelectField(COLUMN_LABELS["status"], default=StudentStatus.ENROLLED.value,
                              choices=[("", _l("Any status"))] + [
                                  (s.value, enum_label(s)) for s in StudentStatus]),
    }


def start_form(kind, session, formdata=None, csrf: bool = True) -> FlaskForm:
    """A form with the kind's options (none: only the CSRF token; the API has none)."""
    fields = _fields(session)

    class StartForm(FlaskForm):
        """Options of one job kind."""

    for name in kind.options:
        setattr(StartForm, name, fields[name])
    return StartForm(formdata=formdata, meta={} if csrf else {"csrf": False})


def chosen_params(form) -> dict:
    """The options the user chose, empty ones left out."""
    return {name: field.data for name, field in form._fields.items()
            if name != "csrf_token" and field.data not in (None, "")}
