"""Views of pupils and households (学生与家庭).

A household's page is where a family is registered: its buttons add a member, a pupil, or an
application for one of its pupils with the household (or pupil) already chosen, and each form
returns to the household's page after saving. A pupil's date of birth and sex may be left empty:
they are read from the ID number (and, when given, must agree with it).
"""
from flask import url_for
from flask_appbuilder.fieldwidgets import DatePickerWidget, Select2Widget
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import DateField, ValidationError
from wtforms.validators import DataRequired, Optional

from app.commands.entitlements import stop_reason_text
from app.commands.rules import field_rules
from app.fab.interface import ZizhuInterface
from app.labels import COLUMN_LABELS
from app.messages import reason_message
from app.models import Household, HouseholdMember, Sex, SpecialGroup, Student
from app.queries.pupil_aid import pupil_aid
from app.security.scope import current_scope, limit
from app.services.validation import InvalidValue, check_sex_matches_id, id_facts
from app.views.framework.base import (
    KEEP_VALUE_HINT,
    DefaultOrderInterface,
    OptionalEnumField,
    RuleValidator,
    TranslatedEnumField,
    ZizhuModelView,
)
from app.views.framework.form_flow import with_next
from app.views.framework.masking import SensitiveField

APPLICATION_VIEW = "ApplicationModelView"  # app/views/identification/assessment.py
FROM_ID_HINT = _l("Leave empty to take it from the ID number")
FROM_ID_CHOICE = _l("(from the ID number)")


class AgreesWithId:
    """A form validator: the field's value (a date of birth, a sex) agrees with the ID number on the
    same form (on an edit form left empty: the stored one); a bad ID number is its own field's error."""

    def __init__(self, check):
        self.check = check

    def __call__(self, form, field):
        if field.data in (None, "") or "id_number" not in form._fields:
            return
        try:
            self.check(getattr(field.data, "value", field.data), form.id_number.data)
        except InvalidValue as err:
            raise ValidationError(reason_message(err.code, **err.params)) from None


def register_order(query):
    """Pupils as a register lists them: by school, grade, class and name (then newest); on the school's
    (school, grade, class) index, so a school's list sorts only within a class."""
    return query.order_by(Student.school_id, Student.grade, Student.class_name, Student.name, Student.id.desc())


class StudentModelView(ZizhuModelView):
    """Pupils: the school's register (学籍) with their household."""

    datamodel = DefaultOrderInterface(Student, register_order)
    list_title = _l("Pupils")
    label_columns = {"name": _l("Full name")}
    show_title = _l("Pupil")
    add_title = _l("Add pupil")
    edit_title = _l("Edit pupil")
    list_columns = ["name", "student_no", "sex", "school", "grade", "class_name", "boarding", "status"]
    search_columns = [
        "name", "student_no", "id_number", "school", "grade", "class_name", "boarding", "status",
        "sex", "household",
    ]
    add_columns = edit_columns = [
        "name", "id_number", "student_no", "sex", "birth_date", "ethnicity", "school", "grade",
        "class_name", "boarding", "disabled", "status", "enrolled_on", "household",
    ]
    show_columns = add_columns + ["left_on", "created_on", "changed_on"]  # left_on: set when the status changes
    order_columns = ["name", "grade", "class_name"]  # never by 学籍号: it embeds the ID number
    base_order = None  # register_order
    description_columns = {
        "student_no": _l("G + the ID number, J + an 18-character code, or L + 18 digits"),
        "id_number": _l("18 characters; the last may be X"),
    }
    add_form_extra_fields = {  # read from the ID number when left empty
        "birth_date": DateField(COLUMN_LABELS["birth_date"], widget=DatePickerWidget(), description=FROM_ID_HINT,
                                validators=[Optional(), RuleValidator(field_rules(Student)["birth_date"])]),
        "sex": OptionalEnumField(Sex, FROM_ID_CHOICE, label=COLUMN_LABELS["sex"], widget=Select2Widget(),
                                 description=FROM_ID_HINT, validators=[AgreesWithId(check_sex_matches_id)]),
    }
    edit_form_extra_fields = {  # a changed ID number, date of birth or sex still agree
        "birth_date": SensitiveField(COLUMN_LABELS["birth_date"], description=KEEP_VALUE_HINT, validators=[
            RuleValidator(field_rules(Student)["birth_date"])]),  # its rule: agrees with the ID number
        "sex": TranslatedEnumField(Sex, label=COLUMN_LABELS["sex"], widget=Select2Widget(),
                                   validators=[DataRequired(), AgreesWithId(check_sex_matches_id)]),
    }
    add_template = "zizhu/records/pupil_add.html"  # with the script that fills them as the ID is typed
    edit_template = "zizhu/records/pupil_edit.html"
    show_template = "zizhu/records/pupil_show.html"  # with the pupil's aid and payments, every school's

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        """The pupil's page with their aid history (entitlements and payments of every term, whichever
        school made them) for the roles that read payments."""
        widgets = super()._get_show_widget(pk, item, widgets=widgets, actions=actions,
                                           show_fieldsets=show_fieldsets)
        if self.appbuilder.sm.has_access("can_read", "DisbursementBatch"):
            history = pupil_aid(self.datamodel.session, current_scope(), item.id) or []
            widgets["show"].template_args["aid_history"] = [
                (row, stop_reason_text(row.stop_reason) if row.stop_reason else "") for row in history]
        return widgets

    def process_form(self, form, is_created):
        """A new pupil's date of birth and sex left empty are read from the ID number."""
        super().process_form(form, is_created)
        info = id_facts(form.id_number.data) if is_created else None
        if info is None:
            return
        if form.birth_date.data is None:
            form.birth_date.data = info.birth_date
        if form.sex.data is None:
            form.sex.data = Sex(info.sex)


class HouseholdMemberModelView(ZizhuModelView):
    """Members of households: relation, work ability, health and income."""

    datamodel = ZizhuInterface(HouseholdMember)
    list_title = _l("Household members")
    label_columns = {"name": _l("Full name")}
    show_title = _l("Household member")
    add_title = _l("Add household member")
    edit_title = _l("Edit household member")
    list_columns = ["name", "relation", "household", "presence", "birth_year", "work_ability", "health",
                    "annual_income"]
    search_columns = ["name", "relation", "work_ability", "health", "presence", "household"]
    add_columns = edit_columns = show_columns = [
        "household", "name", "relation", "birth_year", "presence", "work_ability", "health", "annual_income",
        "occupation", "in_school",
    ]
    description_columns = {
        "presence": _l("Working away from home still counts as with the family"),
        "work_ability": _l("Not counted when the member is missing or deceased: they are not scored as able "
                           "to work, whatever is chosen here"),
        "annual_income": _l("All income of the last 12 months: wages, farming, pensions, transfers"),
    }
    order_columns = ["name", "birth_year", "annual_income"]
    base_order = ("id", "desc")


class HouseholdModelView(ZizhuModelView):
    """Households with their members and pupils."""

    datamodel = ZizhuInterface(Household)
    list_title = _l("Households")
    show_title = _l("Household")
    add_title = _l("Add household")
    edit_title = _l("Edit household")
    list_columns = ["guardian_name", "phone", "address", "hukou_type", "special_groups"]
    search_columns = ["guardian_name", "phone", "address", "hukou_type", "lives_rural", "special_groups",
                      "single_parent"]
    add_columns = edit_columns = [
        "guardian_name", "guardian_id_number", "phone", "address", "hukou_type", "lives_rural",
        "special_groups", "single_parent", "sudden_event_on", "sudden_event",
        "no_parent_reason", "no_parent_note",
        "payee_name", "bank_name", "bank_account", "notes", "district",
    ]
    show_columns = add_columns + ["created_on", "changed_on"]
    order_columns = ["guardian_name"]
    base_order = ("id", "desc")
    related_views = [HouseholdMemberModelView, StudentModelView]
    description_columns = {
        "sudden_event_on": _l("Scored when it happened in the 12 months before the application was submitted"),
        "sudden_event": _l("What happened; with its date it is required for a mid-year application after "
                           "the application window"),
        "no_parent_reason": _l("Only when no father, mother or guardian is entered as a member: an application "
                               "is not submitted without them or this reason"),
        "no_parent_note": _l("Required when the reason is other"),
    }

    def show_links(self, item, pk) -> list[tuple[str, str]]:
        """Add a member, a pupil, and an application for each of the household's pupils the officer
        sees (the pupil already chosen), each returning to this page."""
        links = super().show_links(item, pk)
        applications = next((v for v in self.appbuilder.baseviews
                             if type(v).__name__ == APPLICATION_VIEW), None)
        if applications is None or not applications._may("add"):
            return links
        here = url_for(f"{type(self).__name__}.show", pk=pk)
        pupils = limit(self.datamodel.session.query(Student), Student).filter(
            Student.household_id == item.id).order_by(Student.id)
        for pupil in pupils:
            add = url_for(f"{APPLICATION_VIEW}.add", _flt_0_student=pupil.id)
            links.append((gettext("Add application for %(name)s", name=pupil.name), with_next(add, here)))
        return links


class SpecialGroupModelView(ZizhuModelView):
    """Code list of special groups (低保, 特困, 孤儿 …)."""

    datamodel = ZizhuInterface(SpecialGroup)
    list_title = _l("Special groups")
    show_title = _l("Special group")
    add_title = _l("Add special group")
    edit_title = _l("Edit special group")
    list_columns = ["code", "name", "sort_order", "active"]
    add_columns = edit_columns = show_columns = ["code", "name", "sort_order", "active", "description"]
    search_columns = ["code", "name", "active"]
    base_order = ("sort_order", "asc")
