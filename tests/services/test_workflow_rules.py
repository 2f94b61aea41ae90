"""Every workflow step from both sides: the states it starts from, the state it leads to, and every refusal."""
import pytest

from app.services.workflow import STEPS, Refusal, RefusedStep, allowed_steps, next_status, raise_refusal

STATES = ("draft", "submitted", "class_review", "school_review", "notice", "approved", "rejected",
          "returned", "cancelled", "archived")
OPEN = ("submitted", "class_review", "school_review", "notice")

# written out by hand (not read from STEPS): step → {state it starts from: state it leads to}
EXPECTED = {
    "submit": {"draft": "submitted", "returned": "submitted"},
    "class_review": {"submitted": "class_review"},
    "assess": {"submitted": "school_review", "class_review": "school_review", "school_review": "school_review"},
    "home_visit": {"submitted": "submitted", "class_review": "class_review", "school_review": "school_review"},
    "decide": {"school_review": "school_review"},
    "publish": {"school_review": "notice"},
    "withdraw": {"notice": "school_review"},
    "approve": {"notice": "approved"},
    "reject": {"school_review": "rejected", "notice": "rejected"},
    "return": {state: "returned" for state in OPEN},
    "reassess": {"approved": "submitted"},
    "cancel": {state: "cancelled" for state in ("returned", *OPEN, "approved")},  # never a draft
    "archive": {"approved": "archived", "rejected": "archived"},
}


def test_the_steps_are_the_ones_written_out_here():
    assert set(STEPS) == set(EXPECTED)


@pytest.mark.parametrize("step", sorted(EXPECTED))
def test_each_step_leads_where_it_should_from_the_states_it_starts_from(step):
    assert {state: next_status(step, state) for state in EXPECTED[step]} == EXPECTED[step]


@pytest.mark.parametrize("step", sorted(EXPECTED))
def test_each_step_is_refused_from_every_other_state_with_a_reason(step):
    for state in set(STATES) - set(EXPECTED[step]):
        with pytest.raises(RefusedStep) as err:
            next_status(step, state)
        assert err.value.refusal == Refusal("step.not_allowed", step, state)
        assert str(err.value) == "step.not_allowed"


def test_reassessment_moves_an_approved_application_out_of_approved():
    after = next_status("reassess", "approved")
    assert after == "submitted" and after != "approved"
    assert "assess" in allowed_steps(after)


def test_reassessment_is_only_for_approved_applications():
    for state in ("notice", "rejected", "archived", "submitted"):
        with pytest.raises(RefusedStep):
            next_status("reassess", state)


def test_with_class_review_a_submitted_application_is_scored_only_after_its_class():
    with pytest.raises(RefusedStep) as err:
        next_status("assess", "submitted", class_review=True)
    assert err.value.refusal == Refusal("step.class_review_first", "assess", "submitted")
    assert str(err.value) == "step.class_review_first"
    assert next_status("assess", "class_review", class_review=True) == "school_review"
    assert next_status("assess", "school_review", class_review=True) == "school_review"
    assert next_status("home_visit", "submitted", class_review=True) == "submitted"


def test_without_class_review_a_submitted_application_is_scored_at_once():
    assert next_status("assess", "submitted") == "school_review"
    assert next_status("assess", "submitted", class_review=False) == "school_review"


def test_allowed_steps_follow_the_class_review_setting():
    assert allowed_steps("submitted") == ["class_review", "assess", "home_visit", "return", "cancel"]
    assert allowed_steps("submitted", class_review=True) == ["class_review", "home_visit", "return", "cancel"]
    assert allowed_steps("school_review", class_review=True) == [
        "assess", "home_visit", "decide", "publish", "reject", "return", "cancel"]


@pytest.mark.parametrize("state", STATES)
def test_allowed_steps_are_exactly_the_steps_that_start_from_a_state(state):
    assert allowed_steps(state) == [step for step in STEPS if state in EXPECTED[step]]


def test_a_refusal_names_its_code_step_and_status():
    with pytest.raises(RefusedStep) as err:
        raise_refusal("some.code", "approve", "draft")
    assert err.value.refusal == Refusal("some.code", "approve", "draft")
    assert err.value.args == ("some.code",)
