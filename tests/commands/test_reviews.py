"""Review (复核) after a dismissed objection: the request, the district's decision, and approval waiting for it."""
from datetime import date

import pytest
from flask_babel import force_locale

from app.commands import identification, reviews
from app.commands import notice_approval as approval
from app.commands import objections as obj
from app.errors import FieldErrors
from app.models import ApplicationStatus, AuditEvent, ObjectionOutcome, ReviewRuling
from tests.commands.test_notices import AFTER_END, THU, at, notice_with_two, publish

DISMISSED_ON = date(2026, 11, 6)  # Friday, the day after the objection came in


def dismissed(session, place):
    """A published notice of two pupils with a dismissed objection to the first entry (place's pupil)."""
    notice, _, other = notice_with_two(session, place)
    publish(session, place, notice)
    entry = next(e for e in notice.entries if e.application_id == place.application.id)
    objection = obj.record_objection(at(session, place.scope, THU), entry.id, received_on=THU, content="家里有车")
    obj.answer_objection(at(session, place.scope, DISMISSED_ON), objection.id, answer="经核实车辆为借用",
                         answered_on=DISMISSED_ON, outcome=ObjectionOutcome.DISMISSED)
    session.commit()
    return notice, objection, other


def asked(session, place, day=DISMISSED_ON):
    """`dismissed`, then the family's request for review recorded by the school on `day`."""
    notice, objection, other = dismissed(session, place)
    reviews.request_review(at(session, place.scope, day), objection.id, requested_on=day,
                           content="认为学校核实不充分，请求区县复核", requested_by="王某（家长）")
    session.commit()
    return notice, objection, other


def refused(call, field: str) -> str:
    """Run `call`, expecting a refusal of `field` alone; its labelled Chinese message."""
    with pytest.raises(FieldErrors) as err:
        call()
    assert list(err.value.errors) == [field]
    with force_locale("zh"):
        return err.value.first_message()


def test_the_school_records_the_request_and_the_review_is_open(session, place):
    _, objection, _ = asked(session, place)
    assert objection.review_requested_on == DISMISSED_ON and objection.review_open
    assert objection.review_requested_by == "王某（家长）"
    assert reviews.open_reviews(session, place.district_scope) == 1
    events = session.query(AuditEvent).filter_by(entity="objection", entity_id=str(objection.id),
                                                 action="workflow").all()
    assert [e.summary.split(":")[0] for e in events] == ["review requested"]


def test_a_review_is_asked_for_only_after_a_dismissal_and_once(session, place):
    notice, _, _ = notice_with_two(session, place)
    publish(session, place, notice)
    objection = obj.record_objection(at(session, place.scope, THU), notice.entries[0].id, received_on=THU,
                                     content="家里有车")
    ctx = at(session, place.scope, DISMISSED_ON)
    with pytest.raises(reviews.ReviewState):  # not answered yet
        reviews.request_review(ctx, objection.id, requested_on=DISMISSED_ON, content="请求复核")
    obj.answer_objection(ctx, objection.id, answer="经核实车辆为借用", answered_on=DISMISSED_ON,
                         outcome=ObjectionOutcome.DISMISSED)
    reviews.request_review(ctx, objection.id, requested_on=DISMISSED_ON, content="请求复核")
    with pytest.raises(reviews.ReviewState):
        reviews.request_review(ctx, objection.id, requested_on=DISMISSED_ON, content="再次请求复核")


def test_an_upheld_objection_has_no_review(session, place):
    notice, _, _ = notice_with_two(session, place)
    publish(session, place, notice)
    objection = obj.record_objection(at(session, place.scope, THU), notice.entries[0].id, received_on=THU,
                                     content="家里有车")
    ctx = at(session, place.scope, DISMISSED_ON)
    obj.answer_objection(ctx, objection.id, answer="属实", answered_on=DISMISSED_ON, outcome=ObjectionOutcome.UPHELD)
    with pytest.raises(reviews.ReviewState):
        reviews.request_review(ctx, objection.id, requested_on=DISMISSED_ON, content="请求复核")


def test_request_dates_are_checked_against_the_answer_and_today(session, place):
    _, objection, _ = dismissed(session, place)
    ctx = at(session, place.scope, DISMISSED_ON)
    assert refused(lambda: reviews.request_review(ctx, objection.id, requested_on=THU, content="请求复核"),
                   "review_requested_on") == "复核申请日期：不能早于异议答复日期（2026-11-06）"
    assert refused(lambda: reviews.request_review(ctx, objection.id, requested_on=date(2026, 11, 7),
                                                  content="请求复核"),
                   "review_requested_on") == "复核申请日期：不能晚于今天（2026-11-06）"
    assert refused(lambda: reviews.request_review(ctx, objection.id, requested_on=DISMISSED_ON, content="  "),
                   "review_request") == "复核申请内容：不能为空"
    assert objection.review_requested_on is None


def test_only_the_district_decides_a_review(session, place):
    _, objection, _ = asked(session, place)
    with pytest.raises(reviews.DistrictDecides):
        reviews.decide_review(at(session, place.scope, DISMISSED_ON), objection.id, ruling=ReviewRuling.UPHELD,
                              answer="维持", decided_on=DISMISSED_ON)
    assert objection.review_decided_on is None


def test_decision_dates_are_checked_against_the_request_and_today(session, place):
    _, objection, _ = asked(session, place, day=date(2026, 11, 9))
    ctx = at(session, place.district_scope, date(2026, 11, 10))
    assert refused(lambda: reviews.decide_review(ctx, objection.id, ruling=ReviewRuling.UPHELD, answer="维持",
                                                 decided_on=DISMISSED_ON),
                   "review_decided_on") == "复核决定日期：不能早于复核申请日期（2026-11-09）"
    assert refused(lambda: reviews.decide_review(ctx, objection.id, ruling=ReviewRuling.UPHELD, answer="维持",
                                                 decided_on=date(2026, 11, 11)),
                   "review_decided_on") == "复核决定日期：不能晚于今天（2026-11-10）"
    with pytest.raises(FieldErrors) as err:
        reviews.decide_review(ctx, objection.id, ruling=None, answer="", decided_on=date(2026, 11, 10))
    assert sorted(err.value.errors) == ["review_answer", "review_ruling"]


def test_approval_waits_for_an_open_review(session, place):
    notice, objection, _ = asked(session, place)
    after = at(session, place.scope, AFTER_END)
    with pytest.raises(identification.ReviewOpen) as err:
        identification.approve(after, place.application.id)
    with force_locale("zh"):
        assert "复核" in str(err.value)
    with pytest.raises(approval.NoticeApprovalRefused) as err:
        approval.approve_notice(after, notice.id)
    with force_locale("zh"):
        assert "复核" in str(err.value)
    session.rollback()
    assert place.application.status is ApplicationStatus.NOTICE
    reviews.decide_review(at(session, place.district_scope, AFTER_END), objection.id, ruling=ReviewRuling.UPHELD,
                          answer="经复核，学校答复属实", decided_on=AFTER_END)
    assert approval.approve_notice(after, notice.id) == 2
    assert place.application.status is ApplicationStatus.APPROVED


def test_a_changed_review_takes_the_pupil_off_the_notice_and_is_never_changed(session, place):
    _, objection, other = asked(session, place)
    district = at(session, place.district_scope, AFTER_END)
    reviews.decide_review(district, objection.id, ruling=ReviewRuling.CHANGED, answer="经复核，家庭有营运车辆",
                          decided_on=AFTER_END)
    session.commit()
    app = place.application
    assert app.status is ApplicationStatus.SCHOOL_REVIEW and app.final_tier_id is None
    assert other.status is ApplicationStatus.NOTICE
    assert not objection.review_open and reviews.open_reviews(session, place.district_scope) == 0
    with pytest.raises(reviews.ReviewState):
        reviews.decide_review(district, objection.id, ruling=ReviewRuling.UPHELD, answer="改", decided_on=AFTER_END)
    steps = [e.summary.split(":")[0] for e in session.query(AuditEvent).filter_by(
        entity="objection", entity_id=str(objection.id), action="workflow").order_by(AuditEvent.id)]
    assert steps == ["review requested", "review changed"]
