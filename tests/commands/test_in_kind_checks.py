"""Aid in kind refuses what it cannot record and books only what was handed out: a value or a canteen amount
no money column holds, a date that is not one (said so), the default canteen name cut to fit; pupils who
left the school since the draft are left out at confirmation; with two fund accounts the one chosen pays."""
from decimal import Decimal

import pytest

from app.commands import funds, in_kind
from app.errors import FieldErrors
from app.models import Distribution, StudentStatus
from tests.commands.test_in_kind import InKind
from tests.factories import make_fund_account

M = Decimal


@pytest.fixture
def aid(session, place, clock):
    return InKind(session, place, clock)


def test_a_value_no_amount_column_holds_is_refused_on_the_unit_value(aid, session):
    """quantity × value (a line) or × the pupils (the total) reaching 10^12 yuan is a refusal, never a 500."""
    pupils = aid.entitled(2)
    for value, quantity in (("999999999999.99", 1000), ("500000000000.00", 1)):
        with pytest.raises(FieldErrors) as refused:
            aid.distribution(pupils, unit_value=value, quantity=quantity)
        assert set(refused.value.errors) == {"unit_value"}
        assert "1,000,000,000,000" in str(refused.value.errors["unit_value"][0])
        session.rollback()
    assert session.query(Distribution).count() == 0
    assert aid.distribution(pupils, unit_value="499999999999.99").lines[0].value == M("499999999999.99")


def test_a_canteen_amount_no_amount_column_holds_is_refused(aid, session):
    from app.models import AidStandard

    aid.entitled(3, item="living_subsidy")
    for standard in session.query(AidStandard).filter_by(aid_item_id=aid.nutrition.id):
        standard.amount = M("100000000000.00")  # 10 days × 1 pupil × 10^11 = 10^12
    session.commit()
    with pytest.raises(FieldErrors) as refused:
        aid.meals(days=10, pupils=1)
    assert set(refused.value.errors) == {"pupils"}
    session.rollback()
    assert aid.meals(days=9, pupils=1).amount == M("900000000000.00")


def test_a_date_that_is_not_one_is_refused_as_such(aid, session):
    from flask_babel import lazy_gettext as _l

    pupil = aid.entitled(1)[0]
    said = {}
    for text in ("2026-02-30", "1850-01-01", ""):
        with pytest.raises(FieldErrors) as refused:
            aid.distribution([pupil], handed_on=text)
        assert set(refused.value.errors) == {"handed_on"}
        said[text] = str(refused.value.errors["handed_on"][0])
        session.rollback()
    assert said["2026-02-30"] == str(in_kind.NOT_A_DATE) and said[""] == str(_l("is required"))
    assert said["1850-01-01"] not in (said["2026-02-30"], said[""])  # out of range, said so
    made = aid.distribution([pupil], handed_on=aid.clock.today().isoformat())
    assert made.handed_on == aid.clock.today()


def test_pupils_who_left_the_school_since_the_draft_are_left_out(aid, session):
    """Confirming books only the pupils still enrolled at the school: one who left and one who moved to
    another school since the draft are marked not received and counted."""
    stays, left, moved, absent = aid.entitled(4)
    made = aid.distribution([stays, left, moved, absent])
    left.status = StudentStatus.DROPPED_OUT
    moved.school_id = aid.place.other_school.id
    session.commit()
    lines = {line.student_id: line.id for line in made.lines}
    row = in_kind.confirm_distribution(aid.school(), made.id, absent=[lines[absent.id]])
    assert row.left_school == 2
    session.commit()
    session.expire_all()
    row = session.get(Distribution, made.id)
    assert (row.line_count, row.total) == (1, M("25.00"))
    received = {line.student_id for line in row.lines if line.received}
    assert received == {stays.id}
    assert aid.state(aid.supplies_allocation).paid == M("25.00")


def test_a_long_school_name_is_cut_to_name_its_canteen(aid, session):
    aid.entitled(1, item="living_subsidy")
    aid.place.school.name = "S" * 100
    session.commit()
    record = aid.meals(days=1, pupils=1)  # the canteen left blank: the default fits
    assert len(record.canteen) <= 100 and record.canteen.startswith("S" * 90)


def test_a_refused_canteen_is_named_by_its_label(app):
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        assert "canteen" not in FieldErrors.labelled("canteen", "x")  # its label, never the raw key


def test_the_account_chosen_pays_when_two_allocated_the_item(aid, session):
    """Two accounts allocated supplies and nutrition to the school: a record names the one it pays from."""
    second = make_fund_account(session, aid.place.school.district, code="ZH-SECOND")
    session.commit()
    funds.receive(aid.district(), second.id, amount="1000.00")
    for item in (aid.supplies, aid.nutrition):
        funds.allocate(aid.district(), second.id, school_id=aid.place.school.id, aid_item_id=item.id,
                       term_id=aid.term.id, amount="100.00")
    session.commit()
    pupils = aid.entitled(1) + aid.entitled(1, item="living_subsidy")
    with pytest.raises(FieldErrors) as refused:
        aid.distribution(pupils[:1])
    assert set(refused.value.errors) == {"fund_account_id"}
    session.rollback()
    made = aid.distribution(pupils[:1], fund_account_id=second.id)
    assert made.allocation.fund_account_id == second.id
    record = aid.meals(days=1, pupils=1, fund_account_id=second.id)
    assert record.allocation.fund_account_id == second.id
