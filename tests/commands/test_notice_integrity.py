"""What the public sees is what is approved: a notice published, withdrawn, objected to and approved
never lets a stale tier, a short notice period or a late objection through."""
from datetime import UTC, date, datetime

import pytest

from app.commands import assessing, identification
from app.commands import notice_approval as approval
from app.commands import notices as cmd
from app.commands import objections as obj
from app.commands.snapshots import take_snapshot
from app.models import ApplicationStatus, ObjectionOutcome
from app.queries import notices as read
from app.security.scope import Scope
from app.services.facts import facts_from_snapshot
from tests.commands.test_notices import AFTER_END, NOW, THU, VOTES, at, notice_with_two, publish


def _entry(notice, app):
    return next(e for e in notice.entries if e.application_id == app.id)


def test_a_notice_shows_the_committees_latest_decision(session, place):
    notice, _, app = notice_with_two(session, place)
    assessing.decide(at(session, place.scope, NOW), app.id, tier_code="relative", decided_on=date(2026, 10, 12),
                     members="张校长", votes=VOTES, tier_reason="家访后复议")
    session.commit()
    publish(session, place, notice)
    assert _entry(notice, app).tier_name == app.final_tier.name == "比较困难"


def test_a_pupil_found_not_in_difficulty_after_the_draft_stops_the_publication(session, place):
    notice, _, app = notice_with_two(session, place)
    assessing.decide(at(session, place.scope, NOW), app.id, tier_code="none", decided_on=date(2026, 10, 12),
                     members="张校长", votes=VOTES, tier_reason="家访发现新建住房")
    session.commit()
    with pytest.raises(cmd.NoticeState):
        publish(session, place, notice)


def test_a_notice_taken_down_early_sends_its_pupils_back_for_a_new_notice(session, place):
    notice, _, app = notice_with_two(session, place)
    publish(session, place, notice)
    cmd.withdraw_notice(at(session, place.scope, datetime(2026, 11, 5, 3, 0, tzinfo=UTC)), notice.id)
    session.commit()
    assert app.status is ApplicationStatus.SCHOOL_REVIEW
    with pytest.raises(cmd.NoticeState):
        approval.approve_notice(at(session, place.scope, AFTER_END), notice.id)
    assert app.id in [e["application_id"] for e in read.preview(session, place.scope, school_id=place.school.id,
                                                                 term_id=app.term_id)]


def test_no_objection_once_the_pupil_is_approved(session, place):
    notice, _, app = notice_with_two(session, place)
    publish(session, place, notice)
    identification.approve(at(session, place.scope, AFTER_END), app.id)
    session.commit()
    with pytest.raises(cmd.NoticeState):
        obj.record_objection(at(session, place.scope, AFTER_END), _entry(notice, app).id,
                             received_on=date(2026, 11, 11), content="补交的异议")


def test_an_upheld_objection_needs_a_new_committee_decision(session, place):
    notice, _, app = notice_with_two(session, place)
    publish(session, place, notice)
    ctx = at(session, place.scope, THU)
    objection = obj.record_objection(ctx, _entry(notice, app).id, received_on=THU, content="家里开了工厂")
    obj.answer_objection(ctx, objection.id, answer="经核实属实", answered_on=THU, outcome=ObjectionOutcome.UPHELD)
    session.commit()
    assert app.status is ApplicationStatus.SCHOOL_REVIEW and app.final_tier_id is None
    listed = [e["application_id"] for e in read.preview(session, place.scope, school_id=place.school.id,
                                                       term_id=app.term_id)]
    assert app.id not in listed


def test_a_class_teacher_sees_only_objections_of_their_classes(session, place):
    notice, _, app = notice_with_two(session, place)  # the secret household's pupil is not in 3年级1班
    publish(session, place, notice)
    obj.record_objection(at(session, place.scope, THU), _entry(notice, app).id, received_on=THU, content="家里开了工厂")
    session.commit()
    teacher = Scope(district_id=place.school.district_id, school_id=place.school.id, classes=((3, "1班"),),
                    user_id=1)
    assert read.objections(session, teacher, state=None, today=THU).all() == []
    with pytest.raises(obj.ObjectionNotFound):
        obj.record_objection(at(session, teacher, THU), _entry(notice, app).id, received_on=THU, content="x")


def test_the_sudden_event_window_counts_china_days(session, place):
    place.household.sudden_event_on = date(2026, 10, 9)
    session.commit()
    # 07:00 on 9 October in Beijing is still 8 October in UTC
    snapshot = take_snapshot(place.student, place.household, datetime(2026, 10, 8, 23, 0))
    assert snapshot["taken_on"].startswith("2026-10-09")
    assert facts_from_snapshot(snapshot).sudden_event
