"""The statistical reports page (统计报表): a term (and, for the district, a school) chosen, each report as an
xlsx set up for print and as a page to print; the list of aided pupils of a whole district, when longer than
EXPORT_INLINE_ROWS, written by a background job. The payment registers (发放名册) are per batch: linked."""
from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import get_locale, gettext

from app.commands.jobs import start_job
from app.errors import DomainError
from app.jobs import statistics as statistics_job  # the job kind
from app.jobs.queue import job_queue
from app.queries.statistics import aided_pupil_count, schools_in_scope
from app.queries.terms import current_term, find_term, terms
from app.reports.downloads import attachment
from app.reports.statistics import KEYS, descriptions, report_html, report_workbook, titles
from app.runner import answer, run
from app.security.request_context import current_context
from app.views.framework.form_values import parse_id
from app.views.framework.runner import attempt

PUPIL_LIST = "aided_pupils"


class StatisticsView(BaseView):
    """受助学生名单, 认定结果汇总, 资助统计汇总表 and 资金使用情况表, scoped, as xlsx and print."""

    route_base = "/reports/statistics"
    class_permission_name = "StatisticalReport"  # the overview area, with the dashboard (app/security/roles.py)
    method_permission_name = {"index": "read", "xlsx": "read", "print_page": "read", "background": "read"}
    default_view = "index"

    def _choice(self, args):
        """The term (default: current) and the school chosen (None: every school in scope); 404 for a school
        outside the scope."""
        ctx = current_context()
        term = find_term(ctx.session, args.get("term")) or current_term(ctx.session)
        school_id = ctx.scope.school_id or parse_id(args.get("school"))
        if args.get("school") and school_id not in {sid for sid, _name in schools_in_scope(ctx.session, ctx.scope)}:
            abort(404)
        return ctx, term, school_id

    def _keys(self) -> tuple:
        """The reports the user may see: the list of aided pupils names pupils, so only for a role that
        reads pupils (a Leader reads the figures, not the children)."""
        pupils = self.appbuilder.sm.has_access("can_read", "Student")
        return tuple(key for key in KEYS if pupils or key != PUPIL_LIST)

    def _large(self, ctx, term, school_id) -> bool:
        return aided_pupil_count(ctx.session, ctx.scope, term.id, school_id) > current_app.config["EXPORT_INLINE_ROWS"]

    @expose("/")
    @has_access
    def index(self):
        """The four reports of the chosen term, each with its xlsx and print links."""
        ctx, term, school_id = self._choice(request.args)
        schools = [] if ctx.scope.school_id else schools_in_scope(ctx.session, ctx.scope)
        large = term is not None and self._large(ctx, term, school_id)
        return self.render_template(
            "zizhu/reports/statistics.html", term=term, terms=terms(ctx.session), schools=schools,
            school_id=school_id, keys=self._keys(), titles=titles(), descriptions=descriptions(), large=large,
            args={"term": term.id if term else None, "school": school_id},
            batches=self.appbuilder.sm.has_access("can_read", "DisbursementBatch"))

    def _made(self, command, *args):
        ctx = current_context()
        try:
            return run(ctx, command, *args)
        except DomainError as err:
            refusal = answer(err)
            if refusal.kind == "not_found":
                abort(404)
            flash(refusal.message, "danger")
            return None

    def _report(self, key: str, too_long: str, level: str):
        """(term, school id, None) of a report asked for, or a redirect back (the aided pupils' list too
        long for this way, told with `too_long`); 404 for an unknown report or term."""
        if key not in self._keys():
            abort(404)
        ctx, term, school_id = self._choice(request.args)
        if term is None:
            abort(404)
        if key == "aided_pupils" and self._large(ctx, term, school_id):
            flash(too_long, level)
            return term, school_id, redirect(url_for("StatisticsView.index", term=term.id, school=school_id))
        return term, school_id, None

    @expose("/<key>.xlsx")
    @has_access
    def xlsx(self, key):
        """The report as xlsx (the aided pupils of more than EXPORT_INLINE_ROWS lines: to the background)."""
        term, school_id, back = self._report(key, gettext("A long list: start it in the background from this page."),
                                             "info")
        if back is not None:
            return back
        made = self._made(report_workbook, key, term.id, school_id)
        if made is None:
            return redirect(url_for("StatisticsView.index"))
        data, name = made
        return attachment(data, name, fallback=f"zizhu-{key.replace('_', '-')}-{term.id}")

    @expose("/<key>/print")
    @has_access
    def print_page(self, key):
        """The report as a page to print on A4 (the aided pupils: only a list short enough to print)."""
        term, school_id, back = self._report(
            key, gettext("Too long to print at once: choose a school, or download the xlsx."), "warning")
        if back is not None:
            return back
        html = self._made(report_html, key, term.id, school_id)
        return redirect(url_for("StatisticsView.index")) if html is None else html

    @expose("/aided_pupils/background", methods=["POST"])
    @has_access
    def background(self):
        """Start the job writing the list of aided pupils; its page follows."""
        ctx, term, school_id = self._choice(request.form)
        if term is None or PUPIL_LIST not in self._keys():
            abort(404)
        params = {"term_id": term.id, "school_id": school_id, "locale": str(get_locale() or "zh")}
        started, job = attempt(start_job, statistics_job.KIND, params, per_user=current_app.config["JOBS_PER_USER"])
        if not started:
            return redirect(url_for("StatisticsView.index", term=term.id, school=school_id))
        job_queue().enqueue(job.id)
        flash(gettext("The list is being written in the background; download it from this page when it is done."),
              "info")
        return redirect(url_for("JobView.show", pk=job.id))
