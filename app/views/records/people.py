"""Views of pupils and households (学生与家庭)."""
from flask_babel import lazy_gettext as _l

from app.fab.interface import ZizhuInterface
from app.models import Household, HouseholdMember, SpecialGroup, Student
from app.views.framework.base import ZizhuModelView


class StudentModelView(ZizhuModelView):
    """Pupils: the school's register (学籍) with their household."""

    datamodel = ZizhuInterface(Student)
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
    show_columns = add_columns + ["created_on", "changed_on"]
    order_columns = ["name", "grade", "class_name"]  # never by 学籍号: it embeds the ID number
    base_order = ("id", "desc")
    description_columns = {
        "student_no": _l("G + the ID number, J + an 18-character code, or L + 18 digits"),
        "id_number": _l("18 characters; the last may be X"),
    }


class HouseholdMemberModelView(ZizhuModelView):
    """Members of households: relation, work ability, health and income."""

    datamodel = ZizhuInterface(HouseholdMember)
    list_title = _l("Household members")
    label_columns = {"name": _l("Full name")}
    show_title = _l("Household member")
    add_title = _l("Add household member")
    edit_title = _l("Edit household member")
    list_columns = ["name", "relation", "household", "birth_year", "work_ability", "health", "annual_income"]
    search_columns = ["name", "relation", "work_ability", "health", "presence", "household"]
    add_columns = edit_columns = show_columns = [
        "household", "name", "relation", "birth_year", "presence", "work_ability", "health", "annual_income",
        "occupation", "in_school",
    ]
    description_columns = {
        "presence": _l("Working away from home still counts as with the family"),
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
