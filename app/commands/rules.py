"""Field rules per model (ID numbers, 学籍号, phones, money, ranges) and uniqueness, for forms and APIs."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect as sa_inspect

from app.clock import app_clock
from app.commands.column_rules import column_checks, required_columns
from app.commands.scoping import assign_scope, check_scope
from app.errors import FieldErrors
from app.messages import reason_message
from app.models import (
    AidStandard,
    Application,
    FundAccount,
    Household,
    HouseholdMember,
    School,
    SchoolYear,
    Student,
    Term,
)
from app.services.validation import (
    InvalidValue,
    check_birth_date_matches_id,
    check_sex_matches_id,
    normalize_id_number,
    normalize_phone,
    normalize_student_no,
    parse_money,
)
from app.services.value_checks import check_birth_date, check_grade, check_school_year_name, check_year


def _wrap(fn, field):
    """Adapt a service normaliser to (value, values) → value, raising FieldErrors."""

    def rule(value, values):
        """The service normaliser, its refusal turned into FieldErrors."""
        try:
            return fn(value, values)
        except InvalidValue as err:
            raise FieldErrors({field: [reason_message(err.code, **err.params)]}) from None

    return rule


RULES = {
    Student: {
        "id_number": lambda v, _: normalize_id_number(v, today=_local_today()),
        "student_no": lambda v, values: normalize_student_no(
            v, id_number=_safe_id(values.get("id_number")), today=_local_today()
        ),
        "grade": lambda v, _: check_grade(v),
        # a date of birth and a sex agree with the ID number, on every path (pages, REST, imports)
        "birth_date": lambda v, values: check_birth_date_matches_id(
            check_birth_date(v, "birth_date", today=_local_today()), _safe_id(values.get("id_number"))),
        "sex": lambda v, values: _sex_agrees(v, values.get("id_number")),
    },
    Household: {
        "phone": lambda v, _: normalize_phone(v),
        "guardian_id_number": lambda v, _: normalize_id_number(v, check_age=False, field="guardian_id_number"),
    },
    HouseholdMember: {
        "annual_income": lambda v, _: parse_money(v, allow_zero=True),
        "birth_year": lambda v, _: check_year(v, "birth_year", latest=_local_today().year),
    },
    AidStandard: {"amount": lambda v, _: parse_money(v)},
    School: {"contact_phone": lambda v, _: normalize_phone(v, field="contact_phone")},
    FundAccount: {"fiscal_year": lambda v, _: check_year(v, "fiscal_year")},
    SchoolYear: {"name": lambda v, _: check_school_year_name(v)},
}


# a G 学籍号 must equal G + the ID number; a date of birth and a sex agree with it
DEPENDS = {Student: {"student_no": ("id_number",), "birth_date": ("id_number",), "sex": ("id_number",)}}


def _sex_agrees(sex, id_number):
    """The sex (an enum member or its code) unchanged when it agrees with the ID number's 17th digit."""
    check_sex_matches_id(getattr(sex, "value", sex), _safe_id(id_number))
    return sex


def _local_today():
    """Today in China on the app's clock, the day a birth date may not come after (a form's field
    rule runs without a use case's context)."""
    return app_clock().today()


def _safe_id(raw):
    """The normalised ID number when valid, else None (its own rule reports the error)."""
    try:
        return normalize_id_number(raw, today=_local_today()) if raw else None
    except InvalidValue:
        return None


def field_rules(model) -> dict:
    """{column: rule(value, values) → normalised value} for a model's form fields.

    Each column's type check (clean text, dates and numbers in range) runs first, then its own rule.
    """
    checks, specific, required = column_checks(model), RULES.get(model, {}), required_columns(model)
    return {col: _wrap(_both(checks.get(col), specific.get(col), col in required), col)
            for col in {*checks, *specific}}


def _both(check, rule, required: bool):
    """One rule(value, values): the type check, then (on a non-blank value) the column's own rule."""

    def combined(value, values):
        """Check, refuse a blank required text, then apply the column's rule."""
        if check is not None:
            value = check(value)
        if value == "" and required:
            raise InvalidValue("text.blank")
        if rule is None or value in (None, ""):
            return value
        return rule(value, values)

    return combined


def _derive_application(session, item) -> None:
    """An application's school and school year follow its pupil and term; never typed in."""
    student = item.student or (session.get(Student, item.student_id) if item.student_id else None)
    term = item.term or (session.get(Term, item.term_id) if item.term_id else None)
    if student is not None:
        item.school_id = student.school_id
    if term is not None:
        item.school_year_id = term.school_year_id


def _derive_student(session, item) -> None:
    """A pupil's district is its school's; never typed in."""
    school = item.school or (session.get(School, item.school_id) if item.school_id else None)
    if school is not None:
        item.district_id = school.district_id


DERIVED = {Application: _derive_application, Student: _derive_student}

EDITABLE = {"draft", "returned"}  # an application is the family's own text only until submitted


def check_editable(item) -> None:
    """A submitted application changes only through the identification steps (and is never deleted)."""
    if isinstance(item, Application) and sa_inspect(item).persistent:
        committed = sa_inspect(item).attrs.status.history
        status = (committed.deleted or committed.unchanged or [item.status])[0]
        if status is not None and status.value not in EDITABLE:
            raise FieldErrors({"status": [_l(
                "the application has been submitted; it can only be changed after it is returned for correction")]})


def validate_item(session, item, scope=None) -> None:
    """Derive server-set fields, keep the item in `scope`, check ruled and unique columns.

    Raises FieldErrors naming every refused field; nothing is written by this function.
    """
    check_editable(item)
    with session.no_autoflush:
        DERIVED.get(type(item), lambda *_: None)(session, item)
    if scope is not None:
        assign_scope(session, item, scope)
        check_scope(session, item, scope)
    values = {c.key: getattr(item, c.key) for c in sa_inspect(type(item)).column_attrs}
    errors = _check_columns(item, values)
    for col, rule in _specific_rules(type(item)).items():
        value = getattr(item, col)
        if value in (None, "") or col in errors or not _changed(item, col):
            continue
        try:
            setattr(item, col, rule(value, values))
            values[col] = getattr(item, col)
        except FieldErrors as err:
            errors.update(err.errors)
    errors.update(_duplicates(session, item, values))
    if errors:
        raise FieldErrors(errors)


def _changed(item, col) -> bool:
    """Whether this write sets `col` or a column its rule reads: a stored value is not judged (nor quoted) again."""
    state = sa_inspect(item)
    return any(state.attrs[c].history.has_changes() for c in (col, *DEPENDS.get(type(item), {}).get(col, ())))


def _specific_rules(model) -> dict:
    """The model's own rules (ID numbers, phones, money, grades…), raising FieldErrors."""
    return {col: _wrap(fn, col) for col, fn in RULES.get(model, {}).items()}


def _check_columns(item, values) -> dict:
    """Type checks of the columns this write changes; blank text becomes NULL, or is refused where required.

    Cleaned values are set on the item and in `values`; returns {field: [message]} of the refused ones.
    """
    errors, state, model = {}, sa_inspect(item), type(item)
    for key, check in column_checks(model).items():
        if not state.attrs[key].history.has_changes():
            continue  # stored values are not re-judged by an unrelated edit
        try:
            value = check(values[key])
        except InvalidValue as err:
            errors[key] = [reason_message(err.code, **err.params)]
            continue
        if value == "":
            if key in required_columns(model):
                errors[key] = [reason_message("text.blank")]
                continue
            value = None
        if value is not values[key]:
            setattr(item, key, value)
            values[key] = value
    return errors


def _duplicates(session, item, values) -> dict:
    """A clear message for each unique column whose value another row already holds."""
    model = type(item)
    found = {}
    for col in model.__table__.columns:
        if not col.unique or values.get(col.key) in (None, ""):
            continue
        query = session.query(model.id).filter(getattr(model, col.key) == values[col.key])
        if item.id is not None:
            query = query.filter(model.id != item.id)
        with session.no_autoflush:
            if query.first() is not None:
                found[col.key] = [reason_message("unique")]  # no value: it may be a stored ID number
    return found
