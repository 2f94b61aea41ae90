"""The facts record stored with a snapshot: the same facts back, and its version bumped whenever the rules change."""
import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.facts import FACTS_RULES, facts_from_record, facts_from_snapshot, facts_record
from tests.services.test_facts_rules import member, snapshot

# Sample households, one per rule of app/services/facts.py, with the record each gives under the rules
# of version FACTS_RULES. A change of the rules that changes one of these facts fails here: bump
# FACTS_RULES (stored records of the old rules are then ignored and their snapshots read again) and
# write the new records below.
PINNED = [
    (snapshot([member(income="12000.50"), member("mother", work="partial")]),
     '[1,"12000.50",3,0,false,false,false,0,true,[]]'),
    (snapshot([member(presence="deceased", income="100000"), member("mother", income="3000")]),
     '[1,"3000",2,1,false,true,false,0,true,[]]'),
    (snapshot([member(presence="missing", income="50000"), member("mother", presence="missing")]),
     '[1,"0",1,2,false,false,false,0,true,[]]'),
    (snapshot([member(presence="deceased"), member("guardian", income="9000")]),
     '[1,"9000",2,1,false,true,false,0,true,[]]'),
    (snapshot([member("grandparent", health="disabled")], no_parent_reason="orphan"),
     '[1,"0",2,2,true,false,false,0,true,[]]'),
    (snapshot([member("grandparent")], no_parent_reason="other"),
     '[1,"0",2,0,false,false,false,0,true,[]]'),
    (snapshot([member(), member("sibling", in_school=True), member("sibling", presence="missing", in_school=True)],
              sudden_event_on="2026-03-01", hukou_type="urban"),
     '[1,"0",3,1,false,false,true,1,false,[]]'),
    (snapshot([member(), member("mother")], pupil={"disabled": True}, groups=["dibao", "orphan"],
              single_parent=True),
     '[1,"0",3,0,false,true,false,0,true,["dibao","disabled_student","orphan"]]'),
]


def test_the_pinned_households_give_their_records():
    assert FACTS_RULES == 1
    for shape, record in PINNED:
        assert facts_record(shape) == record, record


def test_a_record_gives_back_the_facts_of_its_snapshot():
    for shape, record in PINNED:
        assert facts_from_record(record) == facts_from_snapshot(shape)


def test_a_record_of_other_rules_or_shape_is_not_used():
    record = json.loads(PINNED[0][1])
    assert facts_from_record(json.dumps([FACTS_RULES + 1, *record[1:]])) is None
    assert facts_from_record(json.dumps([FACTS_RULES - 1, *record[1:]])) is None
    assert facts_from_record(json.dumps(record[:-1])) is None
    assert facts_from_record(None) is None and facts_from_record("") is None


def test_equal_facts_give_equal_records_and_different_facts_different_ones():
    one = snapshot([member(income="800"), member("mother", income="400")], groups=["orphan", "dibao"])
    same = snapshot([member("mother", income="400"), member(income="800")], groups=["dibao", "orphan"])
    other = snapshot([member(income="800"), member("mother", income="401")], groups=["orphan", "dibao"])
    assert facts_record(one) == facts_record(same) != facts_record(other)


RELATIONS = ("father", "mother", "guardian", "grandparent", "sibling", "other")
members = st.builds(
    member, relation=st.sampled_from(RELATIONS), work=st.sampled_from(("full", "partial", "none")),
    health=st.sampled_from(("healthy", "chronic", "serious_illness", "disabled")),
    presence=st.sampled_from(("present", "deceased", "missing")),
    income=st.decimals(min_value=0, max_value=999_999, places=2).map(str), in_school=st.booleans())
households = st.builds(
    snapshot, st.lists(members, max_size=6), pupil=st.fixed_dictionaries({"disabled": st.booleans()}),
    hukou_type=st.sampled_from(("rural", "urban")), lives_rural=st.booleans(), single_parent=st.booleans(),
    sudden_event_on=st.one_of(st.none(), st.dates().map(lambda d: d.isoformat())),
    groups=st.lists(st.sampled_from(("dibao", "orphan", "tekun", "disabled_parent")), unique=True),
    no_parent_reason=st.sampled_from((None, "orphan", "parents_missing", "other")))


@settings(max_examples=300, deadline=None)
@given(households)
def test_any_household_round_trips_exactly(shape):
    facts = facts_from_snapshot(shape)
    back = facts_from_record(facts_record(shape))
    assert back == facts
    assert isinstance(back.household_income, Decimal) and isinstance(back.groups, frozenset)
