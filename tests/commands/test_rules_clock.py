"""The record rules judge dates on the app's clock (China's day), never on the server's own date."""
from datetime import date

import pytest

from app.commands.rules import field_rules
from app.errors import FieldErrors
from app.models import Student
from app.services.validation import make_id_number


@pytest.mark.parametrize("column", ["id_number", "birth_date"])
def test_a_pupil_born_after_the_servers_date_but_before_the_clocks_day_is_accepted(app, clock, column):
    clock.set_day(date(2040, 9, 1))  # the clock's day, years after the server's own date
    id_number = make_id_number("990101", date(2032, 3, 1), 7)
    value = id_number if column == "id_number" else date(2032, 3, 1)
    with app.test_request_context():
        assert field_rules(Student)[column](value, {"id_number": id_number}) == value
    clock.set_day(date(2031, 9, 1))  # before that birth: refused on the clock's day
    with app.test_request_context(), pytest.raises(FieldErrors):
        field_rules(Student)[column](value, {"id_number": id_number})
