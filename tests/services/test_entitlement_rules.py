"""The entitlement rules without a database: standards in force, 就高, payment, stop and carry-over reasons."""
from datetime import date
from decimal import Decimal

import pytest

from app.services import entitlement_rules as rules
from app.services.entitlement_rules import Award, Item, Standard

LIVING, NUTRITION, SUPPLIES, LOCAL = 1, 2, 3, 4
RELATIVE, SPECIAL = 20, 30
# the living subsidy as seed/aid_items.json has it: 1 000 → 1 250 a year for boarders from spring 2024
SEEDED = [
    Standard(1, LIVING, Decimal("500.00"), date(2019, 9, 1), date(2024, 2, 29), boarding=True),
    Standard(2, LIVING, Decimal("250.00"), date(2019, 9, 1), date(2024, 2, 29), boarding=False),
    Standard(3, LIVING, Decimal("625.00"), date(2024, 3, 1), boarding=True),
    Standard(4, LIVING, Decimal("312.50"), date(2024, 3, 1), boarding=False),
    Standard(5, NUTRITION, Decimal("5.00"), date(2021, 9, 1), unit=rules.PER_SCHOOL_DAY),
]
ITEMS = [Item(LIVING, "living"), Item(NUTRITION, needs_identification=False), Item(SUPPLIES)]


def _amount(day, boarding, tier=RELATIVE, standards=SEEDED):
    found = rules.standard_for(standards, aid_item_id=LIVING, day=day, tier_id=tier, boarding=boarding)
    return found and found.amount


def test_the_seeded_living_subsidy_is_625_for_boarders_and_312_50_for_day_pupils():
    assert _amount(date(2026, 9, 1), True) == Decimal("625.00")
    assert _amount(date(2026, 9, 1), False) == Decimal("312.50")
    assert _amount(date(2024, 3, 1), True) == Decimal("625.00")  # the first day of the new rate
    assert _amount(date(2024, 2, 29), True) == Decimal("500.00")  # the last day of the old one
    assert _amount(date(2019, 8, 31), True) is None  # nothing in force yet


def test_the_most_specific_standard_wins_and_another_level_never_applies():
    standards = [*SEEDED, Standard(6, LIVING, Decimal("800.00"), date(2025, 9, 1), tier_id=SPECIAL, boarding=True),
                 Standard(7, LIVING, Decimal("900.00"), date(2025, 9, 1), boarding=True, level="junior")]
    assert _amount(date(2026, 9, 1), True, SPECIAL, standards) == Decimal("800.00")
    assert _amount(date(2026, 9, 1), True, RELATIVE, standards) == Decimal("625.00")
    assert _amount(date(2026, 9, 1), False, SPECIAL, standards) == Decimal("312.50")


def test_a_term_amount_is_decimal_per_term_or_per_school_day():
    per_term = rules.term_amount(SEEDED[3], 100)
    assert per_term == Decimal("312.50") and isinstance(per_term, Decimal)
    assert rules.term_amount(SEEDED[4], 98) == Decimal("490.00")


def test_exclusive_items_keep_only_the_higher_amount():
    living, local, supplies = (Award(LIVING, Decimal("625.00"), "living"), Award(LOCAL, Decimal("1000.00"), "living"),
                               Award(SUPPLIES, Decimal("50.00")))
    kept, dropped = rules.settle([living, local, supplies])
    assert kept == [local, supplies] and dropped == [living]
    same = Award(LOCAL, Decimal("625.00"), "living")
    assert rules.settle([same, living]) == ([living], [same])  # equal amounts: the lower item id


def test_an_item_held_already_keeps_its_group():
    living, local = Award(LIVING, Decimal("625.00"), "living"), Award(LOCAL, Decimal("1000.00"), "living")
    assert rules.settle([living, local], held=[Award(LIVING, Decimal("625.00"), "living")]) == ([living], [local])
    assert rules.settle([local], held=[Award(LIVING, Decimal("625.00"), "living")]) == ([], [local])


def test_awards_for_a_pupil_skip_items_without_identification_or_standard():
    kept, dropped = rules.awards_for(ITEMS, SEEDED, day=date(2026, 9, 1), tier_id=RELATIVE, boarding=True,
                                     school_days=100)
    assert kept == [Award(LIVING, Decimal("625.00"), "living", 3)] and dropped == []
    off = [Item(LIVING, "living", active=False)]
    assert rules.awards_for(off, SEEDED, day=date(2026, 9, 1), tier_id=RELATIVE, boarding=True,
                            school_days=100) == ([], [])


@pytest.mark.parametrize(("line", "batch", "paid"), [
    ("paid", "reconciled", True), ("pending", "approved", True), ("pending", "exported", True),
    ("pending", "draft", False), ("pending", "submitted", False), ("cancelled", "withdrawn", False),
    ("failed", "reconciled", False), ("reversed", "reconciled", False),
])
def test_an_entitlement_counts_as_paid_once_its_money_is_committed(line, batch, paid):
    assert rules.keeps_payment(line, batch) is paid


def test_leaving_school_and_the_current_term():
    assert rules.leaves_school("enrolled", "transferred") and rules.leaves_school(None, "graduated")
    assert not rules.leaves_school("dropped_out", "dropped_out") and not rules.leaves_school("enrolled", "enrolled")
    assert rules.current_or_later(date(2027, 1, 31), date(2027, 1, 31))
    assert not rules.current_or_later(date(2026, 1, 31), date(2026, 12, 6))


def test_a_stop_reason_is_a_code_and_its_detail():
    stored = rules.stop_reason(rules.STOP_CANCELLED, " 提供虚假收入证明 ")
    assert stored == "cancelled: 提供虚假收入证明"
    assert rules.parse_stop_reason(stored) == ("cancelled", "提供虚假收入证明")
    assert rules.stop_reason(rules.STOP_EXCLUSIVE) == "exclusive"
    assert len(rules.stop_reason(rules.STOP_REASSESSED, "很长" * 200)) == rules.STOP_REASON_LENGTH
    assert rules.parse_stop_reason("typed by hand") == (None, "typed by hand")
    with pytest.raises(ValueError):
        rules.stop_reason("whatever")


def _pupil(**kw):
    facts = dict(same_school_year=True, pupil_status="enrolled", application_status="approved", approved=True,
                 needy=True, stopped=False) | kw
    return rules.pupil_reason(**facts)


def test_why_a_pupil_does_not_carry_over_in_the_order_checked():
    assert _pupil() is None
    assert _pupil(application_status="archived") is None  # archived after approval still stands
    assert _pupil(same_school_year=False, pupil_status="transferred") == rules.NEW_SCHOOL_YEAR
    assert _pupil(pupil_status="graduated", application_status="cancelled") == rules.NOT_ENROLLED
    assert _pupil(application_status="cancelled") == rules.CANCELLED
    assert _pupil(application_status="submitted", approved=False) == rules.REASSESSING
    assert _pupil(application_status="notice", approved=False) == rules.REASSESSING
    assert _pupil(application_status="rejected", approved=False) == rules.NOT_APPROVED
    assert _pupil(application_status="archived", approved=False) == rules.NOT_APPROVED
    assert _pupil(needy=False) == rules.NOT_NEEDY
    assert _pupil(stopped=True) == rules.STOPPED_BEFORE


def test_why_an_item_does_not_carry_over():
    assert rules.item_reason(entitled_already=False, item_active=True, has_standard=True) is None
    assert rules.item_reason(entitled_already=True, item_active=False, has_standard=False) == rules.ALREADY_ENTITLED
    assert rules.item_reason(entitled_already=False, item_active=False, has_standard=True) == rules.ITEM_INACTIVE
    assert rules.item_reason(entitled_already=False, item_active=True, has_standard=False) == rules.NO_STANDARD
