"""Audit summaries of exports and jobs read in the reader's language: a list by its title, its rows and filter; a
statistical report by its title, its term and school, print or xlsx; a job kind and its status by their labels;
events stored before the row count and the term were read as they can. Every list that exports names its
record type."""
from flask_babel import force_locale, gettext

from app.jobs.kinds import KINDS
from app.labels import enum_label
from app.models import JobStatus
from app.reports.statistics import TITLES
from app.views.admin.audit import ENTITY_LABELS, format_entity
from app.views.admin.audit_summary import WORDS, format_summary

CODES = ("StudentModelView", "aid_summary", "funds_use", "aided_pupils", "list_export", "xlsx, job", "print")


def _readable(text: str) -> bool:
    """No internal code left in a rendered summary."""
    return not any(code in text for code in CODES)


def test_a_list_export_reads_by_the_lists_title_rows_and_filter(app):
    with app.test_request_context():
        new = format_summary("list StudentModelView 4 rows: 年级：4")
        assert "学生" in new and "4" in new and "年级：4" in new and _readable(new)
        bare = format_summary("list StudentModelView 6 rows: ")
        assert gettext("no filter") in bare and "6" in bare and _readable(bare)
        old = format_summary("list StudentModelView (学生): 未筛选")  # stored before the row count
        assert "学生" in old and "未筛选" in old and _readable(old)
        gone = format_summary("list NoSuchModelView (旧列表): 未筛选")  # a list no longer there: as stored
        assert "旧列表" in gone
        assert format_summary("list price: 3") == "list price: 3"  # a record's own name, not an export


def test_the_list_title_follows_the_readers_language(app):
    with app.test_request_context(), force_locale("en"):
        assert "Pupils" in format_summary("list StudentModelView 4 rows: ")


def test_a_report_reads_by_its_title_term_and_school(app):
    with app.test_request_context():
        summary = format_summary("aid_summary xlsx, 12 rows: 2026-2027 | 城关小学")
        assert str(TITLES["aid_summary"]) in summary and "资助统计汇总表" in summary
        assert gettext("School year %(year)s", year="2026-2027") in summary and "城关小学" in summary
        assert "12" in summary and _readable(summary)
        printed = format_summary("identification print, 3 rows: 2026年秋季学期 | ")
        assert "认定结果汇总表" in printed and "2026年秋季学期" in printed and _readable(printed)
        assert gettext("All schools in your scope") in printed and str(WORDS["print"]) in printed
        funds = format_summary("funds_use xlsx, 2 rows:  | 城关小学")
        assert "资金使用情况表" in funds and gettext("every term") in funds and _readable(funds)
        background = format_summary("aided_pupils xlsx, job 7, 900 rows: 2026年秋季学期 | ")
        assert "受助学生名单" in background and "7" in background and "900" in background and _readable(background)


def test_older_report_events_still_read(app):
    with app.test_request_context():
        for stored, title in (("aid_summary xlsx", "资助统计汇总表"), ("funds_use print", "资金使用情况表"),
                              ("aided_pupils xlsx, job 5", "受助学生名单")):
            summary = format_summary(stored)
            assert title in summary and _readable(summary), summary


def test_a_job_kind_and_its_status_read_by_their_labels(app):
    with app.test_request_context():
        failed = format_summary("list_export: failed")
        assert str(KINDS["list_export"].label) in failed and enum_label(JobStatus.FAILED) in failed
        assert _readable(failed)
        waiting = format_summary("list_export: waiting for the district's approval (5000 rows)")
        assert waiting == gettext("%(kind)s: %(what)s", kind=str(KINDS["list_export"].label),
                                  what=gettext("waiting for the district's approval (%(n)s rows)", n="5000"))
        assert format_summary("pupil_check: started") == gettext(
            "%(kind)s: %(what)s", kind=str(KINDS["pupil_check"].label), what=str(WORDS["started"]))
        assert format_summary("no_such_kind: failed") == f"no_such_kind: {WORDS['failed']}"  # not a job kind


def test_every_list_that_exports_names_its_record_type(app):
    exported = {view.datamodel.obj.__tablename__ for view in app.appbuilder.baseviews
                if getattr(view, "export_enabled", False) and hasattr(view, "datamodel")}
    assert {"student", "audit_event"} <= exported
    assert sorted(exported - set(ENTITY_LABELS)) == []
    with app.test_request_context():
        assert format_entity("audit_event") == "审计记录"
        assert format_entity("statistical_report") != "statistical_report"
