"""Views of identification: tiers and applications (the assessment page is app/views/assessment_page.py)."""
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from app.fab.interface import ZizhuInterface
from app.models import Application, School, Student, Term, Tier
from app.queries.terms import current_term
from app.services.scoring import DIRECT
from app.views.framework.base import DefaultOrderInterface, ZizhuModelView

# what app/commands/identification.py::submit refuses while empty: optional on a draft, marked * on its form
NEEDED_TO_SUBMIT = _l("Needed to submit the application; a draft may be saved without it.")
SUBMIT_NEEDS = ("commitment_signed_on", "consent_signed_on")


class TierModelView(ZizhuModelView):
    """Code list of difficulty tiers."""

    datamodel = ZizhuInterface(Tier)
    list_title = _l("Tiers")
    show_title = _l("Tier")
    add_title = _l("Add tier")
    edit_title = _l("Edit tier")
    list_columns = ["code", "name", "rank", "is_needy", "active"]
    add_columns = edit_columns = show_columns = ["code", "name", "rank", "is_needy", "active"]
    search_columns = ["code", "name", "is_needy", "active"]
    base_order = ("rank", "desc")


def direct_mark(decided_by: str | None) -> str:
    """直接认定 where the suggested tier came from a special group, else nothing."""
    return gettext("Direct identification") if decided_by == DIRECT else ""


def newest_term_first(query):
    """Applications by term, newest first, then by school, grade, class and pupil's name (then newest)."""
    term, school, pupil = aliased(Term), aliased(School), aliased(Student)
    return (query.join(term, term.id == Application.term_id)
            .join(school, school.id == Application.school_id)
            .join(pupil, pupil.id == Application.student_id)
            .order_by(term.start_date.desc(), school.code, pupil.grade, pupil.class_name, pupil.name,
                      Application.id.desc()))


class ApplicationModelView(ZizhuModelView):
    """Applications for identification, one per pupil and term."""

    datamodel = DefaultOrderInterface(Application, newest_term_first)
    list_title = _l("Applications")
    list_template = "zizhu/assessment/application_list.html"  # with a button to the assessment page
    show_template = "zizhu/assessment/application_show.html"
    show_title = _l("Application")
    add_title = _l("Add application")
    edit_title = _l("Edit application")
    list_columns = ["student", "school", "term", "status", "score", "final_tier", "decided_by", "submitted_on"]
    search_columns = ["student", "school", "school_year", "term", "status", "final_tier", "is_midyear"]
    add_columns = edit_columns = [  # school and school year follow the pupil and the term
        "student", "term", "reason", "is_midyear", "commitment_signed_on", "consent_signed_on",
    ]
    show_columns = [
        "student", "school", "school_year", "term", "status", "reason", "is_midyear",
        "commitment_signed_on", "consent_signed_on", "submitted_on", "score", "standard_version",
        "suggested_tier", "decided_by", "final_tier", "tier_reason", "decided_on", "created_on", "changed_on",
    ]
    formatters_columns = {"decided_by": direct_mark}
    order_columns = ["submitted_on", "score", "status"]
    base_order = None  # newest_term_first
    needed_later_columns = {col: NEEDED_TO_SUBMIT for col in SUBMIT_NEEDS}

    def prefill_add_form(self, form) -> None:
        """A new application is for the current term unless the officer chooses another."""
        if "term" in form._fields and form.term.data is None:
            form.term.data = current_term(self.datamodel.session)
