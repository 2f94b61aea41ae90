"""Dates and ids typed into the custom pages (home visit, notices): absurd ones are refused, never a 500."""
from datetime import date, datetime

import pytest

from app.commands import identification
from app.models import HomeVisit
from app.views.framework.form_values import parse_date, parse_id
from tests.context import context

NOW = datetime(2026, 10, 12, 2, 0)


@pytest.mark.parametrize("text", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_a_date_outside_1900_to_2100_is_noted_as_an_error(app, text):
    errors = {}
    with app.test_request_context():
        assert parse_date({"d": text}, "d", errors) is None
        assert "1900-01-01" in str(errors["d"][0])


@pytest.mark.parametrize(("text", "day"), [("1900-01-01", date(1900, 1, 1)), ("2100-12-31", date(2100, 12, 31)),
                                           (" 2026-10-05 ", date(2026, 10, 5)), ("", None)])
def test_a_date_in_range_or_empty_is_read_without_error(app, text, day):
    errors = {}
    assert parse_date({"d": text}, "d", errors) == day and errors == {}


def test_an_unreadable_date_is_noted_as_an_error():
    errors = {}
    assert parse_date({"d": "40000-01-01"}, "d", errors) is None and "d" in errors


@pytest.mark.parametrize(("raw", "number"), [("1", 1), ("0", 0), ("2147483647", 2147483647), ("12", 12)])
def test_an_id_in_range_is_read(raw, number):
    assert parse_id(raw) == number


@pytest.mark.parametrize("raw", ["2147483648", "99999999999999999999", "-1", "abc", None, "1.5"])
def test_an_id_no_row_can_have_is_none(raw):
    assert parse_id(raw) is None


@pytest.mark.parametrize(("visited_on", "stored"), [("0001-01-01", 0), ("2026-10-05", 1)])
def test_a_home_visit_on_an_absurd_day_is_refused_and_not_recorded(session, client, login, place, clock, visited_on,
                                                                   stored):
    clock.set(NOW)
    identification.submit(context(session, place.scope, clock=clock), place.application.id)
    session.commit()
    login("school1")
    app_id = place.application.id
    client.post(f"/assessment/{app_id}/visit", data={
        "visited_on": visited_on, "visitors": "李老师", "findings": "母亲卧床", "facts_confirmed": "y"})
    assert session.query(HomeVisit).filter_by(application_id=app_id).count() == stored


def test_a_notice_page_number_past_the_id_range_is_served_as_page_one_and_past_64_bits_refused(client, login, place):
    login("school1")
    assert client.get("/notices/?page=2147483648").status_code == 200
    assert client.get("/notices/?page=2").status_code == 200
    assert client.get("/notices/?page=99999999999999999999").status_code == 400
