"""The public notice through the commands: entries, working days, objections, approval, expiry."""
from datetime import UTC, date, datetime

import pytest

from app.clock import FixedClock, day_start
from app.commands import assessing, identification
from app.commands import notice_approval as approval
from app.commands import notices as cmd
from app.commands import objections as obj
from app.errors import FieldErrors
from app.models import ApplicationStatus, AuditEvent, NoticeStatus, ObjectionOutcome, SpecialGroup
from app.queries import notices as read
from app.security.scope import Scope
from tests.context import context
from tests.factories import make_application, make_household, make_member, make_student

NOW = datetime(2026, 10, 8, 9, 30, tzinfo=UTC)
VOTES = (5, 0, 0)
THU, HOLIDAY = date(2026, 11, 5), date(2026, 11, 9)  # Monday 9 November made a holiday
BEFORE = datetime(2026, 11, 4, 16, 0, tzinfo=UTC)  # midnight of Thursday 5 November in China
LIVING = "家庭经济困难学生生活补助"  # the aid item the seeded standards give every needy pupil
AFTER_END = date(2026, 11, 13)  # the day after a notice from THU ends
SECRETS = {"address": "幸福路88号", "phone": "13912345678", "bank": "6222020200112233445",
           "reason": "父亲车祸后卧床不起", "group": "最低生活保障家庭（低保）"}


def with_holiday(place, session):
    """Put HOLIDAY in the standard's holidays."""
    data = dict(place.standard.data)
    data["parameters"] = dict(data["parameters"], holidays=[HOLIDAY.isoformat()])
    place.standard.data = data
    session.commit()


def at(session, scope, when) -> object:
    """A context of `scope` whose clock stands at `when` (a moment, or a China day at 09:00)."""
    clock = FixedClock(when if isinstance(when, datetime) else day_start(when))
    if not isinstance(when, datetime):
        clock.set_day(when)
    return context(session, scope, clock=clock)


def decide(session, scope, app, tier: str | None = None) -> None:
    """Submit, score and record the committee decision (the suggested tier unless `tier`)."""
    ctx = at(session, scope, NOW)
    identification.submit(ctx, app.id)
    assessing.score(ctx, app.id)
    code = tier or app.suggested_tier.code
    assessing.decide(ctx, app.id, tier_code=code, decided_on=date(2026, 10, 9), members="张校长、李老师",
                     votes=VOTES, tier_reason="" if code == app.suggested_tier.code else "家访核实")


def secret_household(session, place):
    """A pupil whose household has every private detail filled in and is on the 低保 register."""
    household = make_household(session, district=place.school.district, school_id=place.school.id,
                               address=SECRETS["address"], phone=SECRETS["phone"], guardian_id_number=None,
                               payee_name="赵大海", bank_name="农业银行", bank_account=SECRETS["bank"],
                               sudden_event="车祸", notes="家访记录")
    household.special_groups = [session.query(SpecialGroup).filter_by(code="dibao").one()]
    make_member(session, household, name="赵大海", annual_income=0)
    pupil = make_student(session, school=place.school, household=household, name="赵小红", grade=2,
                         class_name="3班")
    app = make_application(session, pupil, reason=SECRETS["reason"])
    session.commit()
    return pupil, app


def notice_with_two(session, place, *, starts_on=THU):
    """A draft notice of place's pupil (比较困难) and the secret household's pupil (特别困难)."""
    decide(session, place.scope, place.application)
    pupil, app = secret_household(session, place)
    decide(session, place.scope, app)
    notice = cmd.create_notice(at(session, place.scope, BEFORE), school_id=place.school.id,
                               term_id=place.application.term_id, starts_on=starts_on, contact="校办 0571-1234")
    session.commit()
    return notice, pupil, app


def publish(session, place, notice, when=BEFORE):
    """Publish the notice as place's school officer at `when`."""
    return cmd.publish_notice(at(session, place.scope, when), notice.id)


def test_entries_copy_only_what_a_notice_may_show(session, place):
    notice, pupil, _ = notice_with_two(session, place)
    assert notice.status is NoticeStatus.DRAFT
    assert [(e.name, e.grade, e.class_name, e.tier_name, e.aid_item) for e in notice.entries] == [
        ("赵小红", 2, "3班", "特别困难", LIVING), ("李小明", 3, "1班", "比较困难", LIVING)]
    stored = " ".join(str(getattr(e, c.key)) for e in notice.entries for c in e.__table__.columns)
    stored += notice.title + (notice.contact or "")
    for value in (pupil.id_number, pupil.student_no, pupil.birth_date.isoformat(), *SECRETS.values()):
        assert value not in stored


def test_a_notice_needs_decided_needy_applications_and_never_overlaps(session, place):
    ctx = at(session, place.scope, BEFORE)
    term_id = place.application.term_id
    with pytest.raises(cmd.NothingToNotice):
        cmd.create_notice(ctx, school_id=place.school.id, term_id=term_id, starts_on=THU)
    decide(session, place.scope, place.application, tier="none")
    with pytest.raises(cmd.NothingToNotice):  # a 不困难 decision is not listed
        cmd.create_notice(ctx, school_id=place.school.id, term_id=term_id, starts_on=THU)
    assessing.decide(at(session, place.scope, NOW), place.application.id, tier_code="relative", members="张校长",
                     decided_on=date(2026, 10, 10), votes=VOTES)
    cmd.create_notice(ctx, school_id=place.school.id, term_id=term_id, starts_on=THU)
    decide(session, place.scope, secret_household(session, place)[1])
    with pytest.raises(cmd.NoticeOverlaps):
        cmd.create_notice(ctx, school_id=place.school.id, term_id=term_id, starts_on=date(2026, 11, 10))
    later = cmd.create_notice(ctx, school_id=place.school.id, term_id=term_id, starts_on=date(2026, 12, 1))
    assert [e.name for e in later.entries] == ["赵小红"]  # a pupil is on one draft at a time


def test_the_period_and_the_objection_due_date_skip_weekends_and_holidays(session, place):
    with_holiday(place, session)
    notice, _, _ = notice_with_two(session, place)
    # Thu 5, Fri 6, (weekend), (holiday Mon 9), Tue 10, Wed 11, Thu 12
    assert (notice.starts_on, notice.ends_on, notice.working_days) == (THU, date(2026, 11, 12), 5)
    publish(session, place, notice)
    # received on Friday: 3 working days after receipt are Tue 10, Wed 11, Thu 12
    ctx = at(session, place.scope, date(2026, 11, 6))
    objection = obj.record_objection(ctx, notice.entries[0].id, received_on=date(2026, 11, 6),
                                     content="该生家里新盖了楼房", raised_by="匿名")
    assert objection.due_on == date(2026, 11, 12)
    assert (objection.school_id, objection.application_id) == (place.school.id, notice.entries[0].application_id)
    with pytest.raises(FieldErrors) as err:
        obj.record_objection(ctx, notice.entries[0].id, received_on=date(2026, 11, 13), content="晚了")
    assert "received_on" in err.value.errors


def test_publishing_puts_every_entry_on_the_notice_and_is_audited(session, place):
    notice, _, app = notice_with_two(session, place)
    publish(session, place, notice)
    session.commit()
    assert notice.status is NoticeStatus.PUBLISHED and notice.published_at == BEFORE
    assert {place.application.status, app.status} == {ApplicationStatus.NOTICE}
    steps = session.query(AuditEvent).filter_by(action="workflow", entity="application",
                                                entity_id=str(app.id)).order_by(AuditEvent.id)
    assert [e.summary.split(":")[0] for e in steps][-1] == "publish"
    with pytest.raises(cmd.NoticeState):
        publish(session, place, notice)


def test_a_late_publication_counts_the_period_from_today(session, place):
    notice, _, _ = notice_with_two(session, place)
    publish(session, place, notice, date(2026, 11, 7))  # a Saturday
    assert (notice.starts_on, notice.ends_on) == (date(2026, 11, 9), date(2026, 11, 13))


def test_approval_waits_for_every_answer_and_is_all_or_nothing(session, place):
    notice, _, app = notice_with_two(session, place)
    publish(session, place, notice)
    objection = obj.record_objection(at(session, place.scope, THU), notice.entries[0].id, received_on=THU,
                                     content="家里有车")
    session.commit()
    with pytest.raises(cmd.NoticeState):  # the notice has not ended
        approval.approve_notice(at(session, place.scope, notice.ends_on), notice.id)
    after = at(session, place.scope, AFTER_END)
    with pytest.raises(approval.NoticeApprovalRefused) as err:
        approval.approve_notice(after, notice.id)
    assert "赵小红" in str(err.value)
    session.rollback()
    assert {place.application.status, app.status} == {ApplicationStatus.NOTICE}
    obj.answer_objection(after, objection.id, answer="经核实车辆为借用", answered_on=AFTER_END,
                         outcome=ObjectionOutcome.DISMISSED)
    assert approval.approve_notice(after, notice.id) == 2
    session.commit()
    assert {place.application.status, app.status} == {ApplicationStatus.APPROVED}
    assert notice.status is NoticeStatus.WITHDRAWN
    with pytest.raises(obj.ObjectionAnswered):
        obj.answer_objection(after, objection.id, answer="改", answered_on=AFTER_END, outcome=ObjectionOutcome.UPHELD)


def test_an_upheld_objection_takes_the_pupil_off_the_notice(session, place):
    notice, _, app = notice_with_two(session, place)
    publish(session, place, notice)
    ctx = at(session, place.scope, THU)
    objection = obj.record_objection(ctx, notice.entries[0].id, received_on=THU, content="家里开了工厂")
    with pytest.raises(FieldErrors) as err:
        obj.answer_objection(ctx, objection.id, answer=" ", answered_on=THU, outcome=ObjectionOutcome.UPHELD)
    assert "answer" in err.value.errors
    obj.answer_objection(ctx, objection.id, answer="属实，重新评议", answered_on=THU, outcome=ObjectionOutcome.UPHELD)
    assert app.status is ApplicationStatus.SCHOOL_REVIEW
    assert approval.approve_notice(at(session, place.scope, AFTER_END), notice.id) == 1
    assert place.application.status is ApplicationStatus.APPROVED


def test_expired_notices_withdraw_themselves_as_a_system_step(session, place):
    notice, _, app = notice_with_two(session, place)
    publish(session, place, notice)
    session.commit()
    assert cmd.withdraw_expired(at(session, None, notice.ends_on)) == 0
    assert cmd.withdraw_expired(at(session, None, datetime(2026, 11, 12, 16, 5, tzinfo=UTC))) == 1  # 00:05 on 13th
    session.commit()
    assert notice.status is NoticeStatus.WITHDRAWN and app.status is ApplicationStatus.NOTICE
    event = session.query(AuditEvent).filter_by(entity="public_notice", entity_id=str(notice.id)).order_by(
        AuditEvent.id.desc()).first()
    assert event.username == "system" and event.user_id is None and event.summary.startswith("withdraw")
    with pytest.raises(cmd.NoticeState):  # objections only while published
        obj.record_objection(at(session, place.scope, THU), notice.entries[0].id, received_on=THU, content="晚")


def test_a_system_step_inside_a_request_names_no_user(session, place, make_user):
    notice, _, _ = notice_with_two(session, place)
    publish(session, place, notice)
    officer = make_user("officer", "SchoolOfficer", school=place.school)
    assert approval.approve_notice(context(session, place.scope, user=officer, clock=FixedClock(
        day_start(AFTER_END))), notice.id) == 2
    session.commit()
    events = session.query(AuditEvent).filter_by(entity="public_notice", entity_id=str(notice.id)).order_by(
        AuditEvent.id).all()
    assert (events[-1].summary, events[-1].username, events[-1].user_id) == ("withdraw: ended", "system", None)
    pupil = str(notice.entries[0].application_id)
    approved = session.query(AuditEvent).filter_by(entity="application", entity_id=pupil).order_by(AuditEvent.id.desc())
    assert approved.first().username == "officer"


def test_other_school_cannot_reach_the_notice_or_its_entries(session, place):
    notice, _, _ = notice_with_two(session, place)
    other = at(session, Scope(district_id=place.school.district_id, school_id=place.other_school.id), THU)
    with pytest.raises(cmd.NoticeNotFound):
        cmd.publish_notice(other, notice.id)
    with pytest.raises(obj.ObjectionNotFound):
        obj.record_objection(other, notice.entries[0].id, received_on=THU, content="x")
    with pytest.raises(cmd.NoticeNotFound):
        cmd.create_notice(other, school_id=place.school.id, term_id=place.application.term_id, starts_on=THU)


def test_objections_due_counts_overdue_and_due_soon(session, place):
    notice, _, _ = notice_with_two(session, place)
    publish(session, place, notice)
    for day in (THU, date(2026, 11, 6)):  # due Tue 10 and Wed 11
        obj.record_objection(at(session, place.scope, day), notice.entries[1].id, received_on=day, content="有异议")
    session.commit()
    due = obj.objections_due(session, place.scope, today=date(2026, 11, 10))
    assert (due.open, due.soon, due.overdue) == (2, 2, 0)
    due = obj.objections_due(session, place.district_scope, today=date(2026, 11, 11))
    assert (due.open, due.soon, due.overdue) == (2, 1, 1)
    other = Scope(district_id=place.school.district_id, school_id=place.other_school.id)
    assert obj.objections_due(session, other, today=date(2026, 11, 11)).open == 0


def test_the_hourly_task_withdraws_ended_notices(app, session, place, clock):
    notice, _, _ = notice_with_two(session, place)
    publish(session, place, notice)
    session.commit()
    notice_id = notice.id
    clock.set_day(notice.ends_on)
    app.extensions["zizhu.jobs"]._purge()
    session.expire_all()
    assert session.get(cmd.PublicNotice, notice_id).status is NoticeStatus.PUBLISHED  # its last day
    clock.move(days=1)
    app.extensions["zizhu.jobs"]._purge()
    session.expire_all()
    assert session.get(cmd.PublicNotice, notice_id).status is NoticeStatus.WITHDRAWN


def test_a_discarded_draft_frees_the_period_and_never_counts_as_listed(session, place):
    notice, _, app = notice_with_two(session, place)
    ctx = at(session, place.scope, BEFORE)
    cmd.withdraw_notice(ctx, notice.id)
    assert notice.status is NoticeStatus.WITHDRAWN and read.notice_of(session, app.id) is None
    again = cmd.create_notice(ctx, school_id=place.school.id, term_id=place.application.term_id, starts_on=THU)
    with pytest.raises(cmd.NoticeState):
        approval.approve_notice(at(session, place.scope, date(2026, 12, 1)), notice.id)
    cmd.publish_notice(ctx, again.id)
    assert read.notice_of(session, app.id) is again and app.status is ApplicationStatus.NOTICE
