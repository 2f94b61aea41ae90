"""The assessment page's layout: each status offers only the steps the workflow allows, each step that
needs a reason has its own form with its own reason box beside its button, and a closed class review
says why it is closed."""
import re

import pytest

from app.commands import assessing, identification
from app.commands.identification import IllegalStep
from app.models import ApplicationStatus, ReviewOutcome
from tests.context import context

# status → the step forms a school aid officer (write and assess) finds on the page, in workflow order
STEP_FORMS = {
    "draft": ["submit"],
    "returned": ["submit", "cancel"],
    "submitted": ["return", "cancel"],
    "school_review": ["reject", "return", "cancel"],
    "notice": ["approve", "reject", "return", "cancel"],
    "approved": ["reassess", "cancel", "archive"],
    "rejected": ["archive"],
    "cancelled": [],
    "archived": [],
}


def _forms(html: str) -> dict[str, str]:
    """{step: the HTML of its form} of the workflow section."""
    return {m.group(1): m.group(0) for m in re.finditer(
        r'<form[^>]*class="zz-step-form[^"]*" data-step="(\w+)".*?</form>', html, re.S)}


def _set_status(session, app, status: str):
    app.status = ApplicationStatus(status)
    session.commit()


@pytest.fixture
def submitted(session, place, clock):
    """The place's application, submitted by the school officer on the clock's day."""
    identification.submit(context(session, place.scope, clock=clock), place.application.id)
    session.commit()
    return place.application


@pytest.mark.parametrize("status", sorted(STEP_FORMS))
def test_each_status_offers_exactly_the_steps_the_workflow_allows(session, client, login, place, submitted,
                                                                 status):
    _set_status(session, submitted, status)
    login("school1")
    forms = _forms(client.get(f"/assessment/{submitted.id}").get_data(as_text=True))
    assert sorted(forms) == sorted(STEP_FORMS[status])


def test_a_draft_offers_no_cancellation_and_the_command_refuses_it(session, client, login, place, clock):
    login("school1")
    app = place.application
    html = client.get(f"/assessment/{app.id}").get_data(as_text=True)
    assert 'id="zz-step-cancel"' not in html and 'data-step="cancel"' not in html
    assert 'id="zz-step-submit"' in html
    client.post(f"/assessment/{app.id}/step/cancel", data={"reason": "重复申请"})
    session.expire_all()
    assert app.status is ApplicationStatus.DRAFT and app.cancel_reason is None
    with pytest.raises(IllegalStep):
        identification.cancel(context(session, place.scope, clock=clock), app.id, reason="重复申请",
                              recover_aid=False)


def test_each_reason_belongs_to_its_own_button(session, client, login, place, submitted):
    _set_status(session, submitted, "notice")
    login("school1")
    html = client.get(f"/assessment/{submitted.id}").get_data(as_text=True)
    forms = _forms(html)
    labels = set()
    for step in ("reject", "return", "cancel"):
        form = forms[step]
        assert form.count('name="reason"') == 1, step
        assert form.count("<button") == 1 and f'id="zz-step-{step}"' in form
        # the box and its button sit together, and the box says what it is for
        assert re.search(rf'id="zz-step-{step}-reason"[^>]*>\s*<span class="input-group-btn">\s*<button', form)
        label = re.search(rf'<label for="zz-step-{step}-reason">([^<*]+)', form).group(1).strip()
        labels.add(label)
    assert len(labels) == 3  # not one "原因" repeated: each box names its step
    assert 'name="recover_aid"' in forms["cancel"] and 'name="recover_aid"' not in forms["reject"]
    assert 'name="reason"' not in forms["approve"]


def test_a_step_posted_from_its_form_takes_that_forms_reason(session, client, login, place, submitted, clock):
    assessing.score(context(session, place.scope, clock=clock), submitted.id)
    session.commit()
    login("school1")
    client.post(f"/assessment/{submitted.id}/step/reject", data={"reason": "家庭收入高于标准"})
    session.expire_all()
    assert submitted.status is ApplicationStatus.REJECTED and submitted.tier_reason == "家庭收入高于标准"


def _class_section(client, app_id) -> str:
    html = client.get(f"/assessment/{app_id}").get_data(as_text=True)
    return re.search(r'<section class="zz-card" id="zz-class-review".*?</section>', html, re.S).group(0)


def _class_review_on(session, place):
    place.standard.data = dict(place.standard.data, parameters={
        **place.standard.data["parameters"], "class_review": True})
    session.commit()


def test_the_class_review_form_is_open_for_a_submitted_application(session, client, login, place, submitted):
    login("school1")
    section = _class_section(client, submitted.id)
    assert 'id="zz-class-form"' in section and 'id="zz-class-closed"' not in section


def test_a_draft_says_the_class_review_follows_submission(session, client, login, place):
    login("school1")
    section = _class_section(client, place.application.id)
    assert 'id="zz-class-form"' not in section and "提交后才能进行班级评议" in section


def test_a_recorded_class_review_says_it_is_complete(session, client, login, place, submitted, clock):
    _class_review_on(session, place)
    assessing.record_class_review(context(session, place.scope, clock=clock), submitted.id,
                                  outcome=ReviewOutcome.PASSED, decided_on=clock.today(),
                                  members="李老师、王老师、家长代表", votes=(5, 0, 0))
    session.commit()
    login("school1")
    section = _class_section(client, submitted.id)
    assert 'id="zz-class-form"' not in section and "班级评议已完成" in section and "李老师" in section


def test_a_scored_application_says_the_class_review_came_before_scoring(session, client, login, place, submitted):
    _class_review_on(session, place)
    _set_status(session, submitted, "school_review")
    login("school1")
    section = _class_section(client, submitted.id)
    assert 'id="zz-class-form"' not in section and "班级评议须在评分前进行" in section


def test_without_class_review_in_the_standard_the_page_says_the_school_holds_none(session, client, login, place,
                                                                                submitted, clock):
    assessing.score(context(session, place.scope, clock=clock), submitted.id)
    session.commit()
    login("school1")
    section = _class_section(client, submitted.id)
    assert "本校不设班级评议" in section


def test_a_cancelled_application_says_so(session, client, login, place, submitted):
    _set_status(session, submitted, "cancelled")
    login("school1")
    assert "申请已撤销认定" in _class_section(client, submitted.id)


def test_a_reader_without_write_is_told_who_records_it(session, client, login, make_user, place, submitted):
    make_user("auditor1", "Auditor", district=place.school.district)
    login("auditor1")
    section = _class_section(client, submitted.id)
    assert 'id="zz-class-form"' not in section and "班主任或学校资助专干登记" in section


def test_english_says_why_too(session, client, login, place):
    login("school1")
    client.get("/lang/en")
    assert "The class review opens once the application is submitted." in _class_section(
        client, place.application.id)

