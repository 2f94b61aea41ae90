"""The assessment page (评审页): what it shows, who may do what on it, and each form's command."""
import re

import pytest

from app.commands import assessing, identification
from app.models import ApplicationStatus, AuditEvent, HomeVisit, ReviewDecision, Tier
from tests.context import context
from tests.factories import make_application, make_member, make_student

DECISION = {"decided_on": "2026-10-09", "members": "张校长、李老师、王老师", "votes_for": "5",
            "votes_against": "0", "votes_abstain": "1", "minutes": "一致同意"}


@pytest.fixture
def submit(session, place, clock):
    """Submit the place's application as the school officer (on the clock's day)."""
    def _submit():
        identification.submit(context(session, place.scope, clock=clock), place.application.id)
        session.commit()
        return place.application
    return _submit


@pytest.fixture
def scored(session, place, clock, submit):
    """The place's application submitted and scored (67 points, suggested 比较困难)."""
    submit()
    assessing.score(context(session, place.scope, clock=clock), place.application.id)
    session.commit()
    return place.application


def _workflow_steps(session, app_id) -> list[str]:
    """The workflow events of an application, oldest first."""
    return [e.summary.split(":")[0] for e in session.query(AuditEvent).filter_by(
        action="workflow", entity="application", entity_id=str(app_id)).order_by(AuditEvent.id)]


def test_page_shows_the_frozen_household_the_breakdown_and_the_thresholds(session, client, login, place, scored):
    app = scored
    login("school1")
    resp = client.get(f"/assessment/{app.id}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert html.count('class="zz-line') == 7  # one line per indicator of the default standard
    assert 'id="zz-thresholds"' in html and 'id="zz-direct-rules"' in html
    assert ">67<" in html.replace(".00<", "<") and re.search(r"v1|第 ?1 ?版", html)  # the version scored with
    assert "李秀英" in html and "王奶奶" in html  # members as frozen
    assert 'id="zz-score-button"' in html and 'id="zz-decision-form"' in html
    assert 'id="zz-live-differs"' not in html


def test_page_never_prints_a_full_id_number(session, client, login, place, scored):
    app = scored
    login("school1")
    html = client.get(f"/assessment/{app.id}").get_data(as_text=True)
    number = place.student.id_number
    assert number not in html
    assert number[:4] + "*" * 12 + number[-2:] in html


def test_page_says_when_the_household_changed_after_submission(session, client, login, place, scored):
    app = scored
    make_member(session, place.household, name="新成员", relation=place.household.members[0].relation)
    session.commit()
    login("school1")
    html = client.get(f"/assessment/{app.id}").get_data(as_text=True)
    assert 'id="zz-live-differs"' in html and "新成员" not in html


def test_other_school_gets_404(session, client, login, make_user, place, scored):
    app = scored
    make_user("school2", "SchoolOfficer", school=place.other_school)
    login("school2")
    assert client.get(f"/assessment/{app.id}").status_code == 404
    assert client.post(f"/assessment/{app.id}/visit", data={"visitors": "x"}).status_code == 404


def test_class_teacher_records_a_visit_but_cannot_score(session, client, login, make_user, place, submit):
    submit()
    make_user("teacher", "ClassTeacher", school=place.school, class_names="3年级1班")
    login("teacher")
    app_id = place.application.id
    html = client.get(f"/assessment/{app_id}").get_data(as_text=True)
    assert 'id="zz-visit-form"' in html
    assert 'id="zz-score-button"' not in html and 'id="zz-decision-form"' not in html
    resp = client.post(f"/assessment/{app_id}/score")
    assert resp.status_code in (302, 403) and "/assessment/" not in resp.headers.get("Location", "")
    session.expire_all()
    assert place.application.score is None
    resp = client.post(f"/assessment/{app_id}/visit", data={
        "visited_on": "2026-10-05", "visitors": "李老师", "findings": "母亲卧床", "facts_confirmed": "y"})
    assert resp.status_code == 302
    assert session.query(HomeVisit).filter_by(application_id=app_id).count() == 1


def test_post_score_scores_and_audits(session, client, login, place, submit):
    submit()
    login("school1")
    resp = client.post(f"/assessment/{place.application.id}/score")
    assert resp.status_code == 302 and f"/assessment/{place.application.id}" in resp.headers["Location"]
    session.expire_all()
    assert place.application.status is ApplicationStatus.SCHOOL_REVIEW and place.application.score == 67
    assert _workflow_steps(session, place.application.id) == ["submit", "assess"]


def test_decision_needs_a_reason_when_the_tier_differs(session, client, login, place, scored):
    app = scored
    login("school1")
    resp = client.post(f"/assessment/{app.id}/decide", data={**DECISION, "tier": "special"},
                       follow_redirects=True)
    assert resp.status_code == 200 and "alert-danger" in resp.get_data(as_text=True)
    assert session.query(ReviewDecision).filter_by(application_id=app.id).count() == 0
    client.post(f"/assessment/{app.id}/decide", data={**DECISION, "tier": "special",
                                                      "tier_reason": "家访发现母亲需长期透析"})
    session.expire_all()
    assert app.final_tier.code == "special" and app.tier_reason == "家访发现母亲需长期透析"
    assert _workflow_steps(session, app.id)[-1] == "decide"


def test_decision_with_the_suggested_tier_needs_no_reason(session, client, login, place, scored):
    app = scored
    login("school1")
    client.post(f"/assessment/{app.id}/decide", data={**DECISION, "tier": "relative"})
    session.expire_all()
    decision = session.query(ReviewDecision).filter_by(application_id=app.id).one()
    assert app.final_tier.code == "relative" and (decision.votes_for, decision.votes_abstain) == (5, 1)
    html = client.get(f"/assessment/{app.id}").get_data(as_text=True)
    assert 'id="zz-decisions"' in html


def test_return_needs_a_reason_and_is_audited(session, client, login, place, scored):
    app = scored
    login("school1")
    client.post(f"/assessment/{app.id}/step/return", data={"reason": " "})
    session.expire_all()
    assert app.status is ApplicationStatus.SCHOOL_REVIEW
    resp = client.post(f"/assessment/{app.id}/step/return", data={"reason": "缺少收入证明"})
    assert resp.status_code == 302
    session.expire_all()
    assert app.status is ApplicationStatus.RETURNED and app.return_reason == "缺少收入证明"
    assert _workflow_steps(session, app.id)[-1] == "return"


def test_cancel_with_recovery(session, client, login, place, scored):
    app = scored
    login("school1")
    client.post(f"/assessment/{app.id}/step/cancel", data={"reason": "虚假收入证明", "recover_aid": "y"})
    session.expire_all()
    assert app.status is ApplicationStatus.CANCELLED and app.recover_aid


@pytest.mark.parametrize("step", ["publish", "nonsense"])
def test_steps_not_on_the_page_are_404(session, client, login, place, step, scored):
    app = scored
    login("school1")
    assert client.post(f"/assessment/{app.id}/step/{step}", data={"reason": "x"}).status_code == 404


def test_queue_lists_the_school_term_by_status_and_links_neighbours(session, client, login, place, scored):
    first = scored
    second = make_application(session, make_student(session, school=place.school, household=place.household))
    other = make_application(session, make_student(session, school=place.other_school))
    session.commit()
    login("school1")
    html = client.get("/assessment/").get_data(as_text=True)
    assert f'data-id="{first.id}"' in html and f'data-id="{second.id}"' in html
    assert f'data-id="{other.id}"' not in html and 'id="zz-score-all"' in html
    html = client.get("/assessment/?status=school_review").get_data(as_text=True)
    assert f'data-id="{first.id}"' in html and f'data-id="{second.id}"' not in html
    page = client.get(f"/assessment/{first.id}").get_data(as_text=True)
    assert f'/assessment/{second.id}"' in page and 'id="zz-next"' in page


def test_score_all_button_starts_the_job_and_shows_it(session, client, login, place, submit):
    submit()
    login("school1")
    resp = client.post("/assessment/score-all", data={})
    assert resp.status_code == 302 and "/jobs/" in resp.headers["Location"]
    assert client.get(resp.headers["Location"]).status_code == 200
    session.expire_all()
    assert place.application.score == 67 and session.query(Tier).count() == 4


def test_application_pages_link_to_the_assessment_page(session, client, login, place):
    login("school1")
    html = client.get(f"/applicationmodelview/show/{place.application.id}").get_data(as_text=True)
    assert f'href="/assessment/{place.application.id}"' in html
    assert 'id="zz-open-assessment"' in client.get("/applicationmodelview/list/").get_data(as_text=True)


def test_district_queue_lists_every_school_and_filters_by_school(session, client, login, place, scored):
    first = scored
    other = make_application(session, make_student(session, school=place.other_school))
    session.commit()
    login("district")
    html = client.get("/assessment/").get_data(as_text=True)
    assert f'data-id="{first.id}"' in html and f'data-id="{other.id}"' in html and 'id="zz-school"' in html
    html = client.get(f"/assessment/?school={place.other_school.id}").get_data(as_text=True)
    assert f'data-id="{first.id}"' not in html and f'data-id="{other.id}"' in html
    assert client.get(f"/assessment/{first.id}").status_code == 200


def test_a_draft_is_shown_without_a_household_and_can_be_submitted(session, client, login, place):
    login("school1")
    app_id = place.application.id
    html = client.get(f"/assessment/{app_id}").get_data(as_text=True)
    assert 'id="zz-members"' not in html and 'id="zz-step-submit"' in html and 'id="zz-score-button"' not in html
    assert client.post(f"/assessment/{app_id}/submit").status_code == 302
    session.expire_all()
    assert place.application.status is ApplicationStatus.SUBMITTED and place.application.household_snapshot
    assert _workflow_steps(session, app_id) == ["submit"]


def test_lists_say_direct_identification_beside_a_tier_from_a_special_group(session, client, login, place, scored):
    by_score = make_application(session, make_student(session, school=place.school, household=place.household))
    session.commit()
    assessing.score(context(session, place.scope), identification.submit(
        context(session, place.scope), by_score.id).id)
    scored.decided_by = "direct"  # the special group's tier ranked above the score's
    session.commit()
    login("school1")
    queue = client.get("/assessment/").get_data(as_text=True)
    direct_row = re.search(rf'data-id="{scored.id}".*?</tr>', queue, re.S).group(0)
    score_row = re.search(rf'data-id="{by_score.id}".*?</tr>', queue, re.S).group(0)
    assert "直接认定" in direct_row and "直接认定" not in score_row
    listing = client.get("/applicationmodelview/list/").get_data(as_text=True)
    assert listing.count("直接认定") == 1
