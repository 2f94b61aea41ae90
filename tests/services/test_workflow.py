"""The identification workflow: allowed steps, refused steps, class review first when required."""
import pytest

from app.services.workflow import STEPS, RefusedStep, allowed_steps, next_status


def test_the_main_path():
    status = "draft"
    for step, expected in [("submit", "submitted"), ("assess", "school_review"), ("decide", "school_review"),
                           ("publish", "notice"), ("approve", "approved"), ("archive", "archived")]:
        status = next_status(step, status)
        assert status == expected


def test_class_review_first_when_the_district_asks_for_it():
    with pytest.raises(RefusedStep) as err:
        next_status("assess", "submitted", class_review=True)
    assert err.value.refusal.code == "step.class_review_first"
    assert next_status("assess", next_status("class_review", "submitted"), class_review=True) == "school_review"


@pytest.mark.parametrize("status", ["draft", "approved", "rejected", "cancelled", "archived", "returned"])
def test_return_only_from_open_steps(status):
    with pytest.raises(RefusedStep):
        next_status("return", status)


def test_finished_applications_allow_nothing_but_what_follows():
    assert allowed_steps("archived") == []
    assert allowed_steps("cancelled") == []
    assert set(allowed_steps("approved")) == {"reassess", "cancel", "archive"}


def test_every_step_leads_somewhere_known():
    states = {s for sources, _ in STEPS.values() for s in sources}
    assert all(target is None or target in states | {"cancelled", "archived", "rejected"}
               for _, target in STEPS.values())


def test_the_groups_are_made_of_the_models_states():
    from app.models import ApplicationStatus
    from app.services import workflow

    assert workflow.STATES == tuple(s.value for s in ApplicationStatus)
    assert sorted(workflow.QUEUE) == sorted(workflow.STATES)
    for group in (workflow.NOT_SUBMITTED, workflow.OPEN, workflow.SCORABLE, workflow.DECIDED,
                  workflow.CONSIDERED, workflow.NOT_STANDING):
        assert set(group) <= set(workflow.STATES)
    assert set(workflow.NOT_SUBMITTED) | set(workflow.OPEN) | set(workflow.DECIDED) | {"cancelled"} == set(
        workflow.STATES)
    assert not set(workflow.CONSIDERED) & set(workflow.NOT_STANDING)
    assert workflow.SCORABLE == STEPS["assess"][0]
