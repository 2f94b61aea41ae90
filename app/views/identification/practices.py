"""Fairness checks (违规做法提示): equal sharing (平均分配) and taking turns (轮流坐庄) per school."""
from decimal import Decimal

from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext

from app.models import SchoolYear
from app.queries.practices import check
from app.queries.terms import current_school_year, current_term
from app.security.request_context import current_context
from app.services import practices
from app.views.identification.standards import form_id


def percent(share) -> str:
    """0.9 → '90%'."""
    return f"{(Decimal(share) * 100).quantize(Decimal(1))}%"


def warning_text(warning, tier_names: dict) -> str:
    """The sentence for a warning's reason code and numbers."""
    n = warning.numbers
    if warning.reason == practices.ONE_TIER:
        return gettext("%(count)d of the %(needy)d needy pupils (%(share)s) are in one tier, %(tier)s.",
                       count=n["count"], needy=n["needy"], share=percent(n["share"]),
                       tier=tier_names.get(n["tier"], n["tier"]))
    if warning.reason == practices.ALL_NEEDY:
        return gettext("%(needy)d of %(decided)d applicants (%(share)s) were identified as needy; "
                       "in the district %(district)s.", needy=n["needy"], decided=n["decided"],
                       share=percent(n["share"]), district=percent(n["district"]))
    if warning.reason == practices.FLIP:
        return gettext("%(count)d pupils switched between needy and not needy from one year to the next "
                       "while their household's facts did not change.", count=n["count"])
    return gettext("%(count)d households where one child stopped being needy and a sibling became needy "
                   "while the household's facts did not change.", count=n["count"])


class PracticeCheckView(BaseView):
    """The warnings of a school year, school by school, with the pupils behind them."""

    route_base = "/reports/fairness"
    class_permission_name = "PracticeCheck"
    method_permission_name = {"index": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        """The report for the chosen (default: current) school year."""
        ctx = current_context()
        session = ctx.session
        year = session.get(SchoolYear, form_id("year") or 0) or current_school_year(session, current_term(session))
        report = check(session, ctx.scope, year.id) if year else None
        years = session.query(SchoolYear).order_by(SchoolYear.start_date.desc()).all()
        return self.render_template(
            "zizhu/practices/report.html", report=report, year=year, years=years,
            text=lambda w: warning_text(w, report.tier_names), limits={
                "min": practices.EQUAL_MIN_DECIDED, "tier": percent(practices.EQUAL_TIER_SHARE),
                "needy": percent(practices.NEEDY_SHARE), "gap": int(practices.NEEDY_GAP * 100)})
