"""The statistical reports say what they cover: each download is named by its term (the school year for the aid
summary, the day made for the use of funds, which covers every term) and the school chosen; the aid summary
counts pupil-times over its school year; the use of funds is the same whatever the term, its unallocated money
on a line of its own; the reconciliation is named and subtitled by its term."""
from datetime import date, timedelta

from flask_babel import gettext

from app.clock import local_time
from app.models import Entitlement, Season, Term
from app.reports.reconciliation import file_name as reconciliation_name
from app.reports.reconciliation import reconciliation_workbook
from app.reports.statistics import build, descriptions, report_workbook
from tests.context import context
from tests.factories import make_previous_term
from tests.reports.test_statistics import paid_batch  # noqa: F401 (the fixture)
from tests.views.test_money_pages import pupils  # noqa: F401 (the fixture)
from tests.xlsx_read import cells


def test_each_download_names_its_term_and_the_school_chosen(session, place, paid_batch):  # noqa: F811
    _account, _item, term, _line = paid_batch
    district = context(session, place.district_scope)
    made = local_time(district.now).strftime("%Y-%m-%d")
    covers = {"aided_pupils": term.name, "identification": term.name,
              "aid_summary": gettext("School year %(year)s", year=term.school_year.name), "funds_use": made}
    for key, period in covers.items():
        _data, everywhere = report_workbook(district, key, term.id)
        _data, one = report_workbook(district, key, term.id, place.school.id)
        assert everywhere.startswith(build(district, key, term.id).title) and period in everywhere, everywhere
        assert place.school.name not in everywhere and place.school.name in one and period in one
    earlier = make_previous_term(session)
    session.commit()
    for key in ("aided_pupils", "identification", "aid_summary"):
        assert report_workbook(district, key, earlier.id)[1] != report_workbook(district, key, term.id)[1]


def _spring(session, term: Term) -> Term:
    """The spring term of the term's school year (made when the place has none)."""
    found = session.query(Term).filter_by(school_year_id=term.school_year_id, season=Season.SPRING).one_or_none()
    if found is not None:
        return found
    spring = Term(school_year_id=term.school_year_id, season=Season.SPRING, name=f"{term.name}-春",
                  start_date=term.end_date + timedelta(days=20), end_date=term.end_date + timedelta(days=150))
    session.add(spring)
    session.flush()
    return spring


def test_the_aid_summary_counts_pupil_times_over_its_school_year(session, place, paid_batch):  # noqa: F811
    _account, _item, term, _line = paid_batch
    spring = _spring(session, term)
    first = session.query(Entitlement).filter_by(term_id=term.id).order_by(Entitlement.id).first()
    values = {c.key: getattr(first, c.key) for c in Entitlement.__table__.columns if c.key not in ("id", "term_id")}
    session.add(Entitlement(**values, term_id=spring.id))  # the same pupil, aided again in the spring
    session.commit()
    report = build(context(session, place.district_scope), "aid_summary", term.id)
    headers = [c.header for c in report.columns]
    assert headers[3] == gettext("Pupil-times entitled") and headers[5] == gettext("Pupil-times paid")
    assert gettext("Pupils entitled") not in headers
    rows = [row for chunk in report.chunks for row in chunk]
    assert sorted(row[2] for row in rows) == sorted([term.name, spring.name])
    assert report.total()[3] == 4  # three pupils in the autumn, one of them again in the spring
    assert report.total()[4] == sum((row[4] for row in rows), first.amount * 0)
    year = gettext("School year: %(year)s    Schools: %(schools)s    Made on: %(date)s", year=term.school_year.name,
                   schools="", date="").split("    ")[0]
    assert report.subtitle.startswith(year) and "学期：" not in report.subtitle  # a school year, not a term


def test_the_use_of_funds_covers_every_term_and_names_the_unallocated_money(session, place, paid_batch):  # noqa: F811
    _account, _item, term, _line = paid_batch
    earlier = make_previous_term(session)
    session.commit()
    district = context(session, place.district_scope)
    now, then = build(district, "funds_use", term.id), build(district, "funds_use", earlier.id)
    rows = [row for chunk in now.chunks for row in chunk]
    assert rows == [row for chunk in then.chunks for row in chunk] and rows
    assert gettext("(not allocated to schools)") in [row[3] for row in rows]
    assert gettext("Not yet allocated") not in [row[3] for row in rows]
    assert term.name not in now.subtitle  # every term: the page says the chosen one does not change it
    assert descriptions()["funds_use"] == gettext(
        "Per fund account and aid item, from the ledger: received, allocated, paid and remaining, over every "
        "term (the term chosen does not change it).")


def test_the_reconciliation_names_its_term_and_a_schools_own_school(session, place, paid_batch):  # noqa: F811
    _account, _item, term, _line = paid_batch
    district, school = context(session, place.district_scope), context(session, place.scope)
    assert term.name in reconciliation_name(district, term.id)
    assert place.school.name not in reconciliation_name(district, term.id)
    assert place.school.name in reconciliation_name(school, term.id)
    assert reconciliation_name(district) == f"{gettext('Reconciliation')}.xlsx"
    subtitle = cells(reconciliation_workbook(district, term_id=term.id))[1][0]
    assert term.name in subtitle and date.today().isoformat()[:4] in subtitle
    assert term.name not in cells(reconciliation_workbook(district))[1][0]
