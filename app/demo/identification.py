"""Demo identification: the whole cycle, through the commands, each step on the day it is dated.

Last school year (its autumn term) is complete in every school: applications scored, decided (the
not needy ones not approved), put on a public notice that ended, objections received and answered
(one dismissed, one upheld and that pupil not approved), and the notice approved.

This term the first school (school1) has applications at every stage, so that a new officer finds
something to do at each step: drafts, submitted, class-reviewed, returned, scored, visited, decided,
rejected, on a notice that has ended and can be approved today (a few of it approved already, one
objection answered), and on a notice still running (with an objection to answer). The second school
(school2) has scored and decided everything and put it on a notice. The others have only applied.

Each step runs in the system's context with the clock at 10 o'clock of its day (China time), so that
a seed writes the same district all day; days are working days of the district's standard.
"""
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy.orm import selectinload

from app.clock import FixedClock, day_start, local_day
from app.commands import assessing, identification, notice_approval, notices, objections
from app.commands.notices import Calendar, calendar_for
from app.commands.snapshots import take_snapshot
from app.context import Context
from app.models import Application, ApplicationStatus, Household, ObjectionOutcome, ReviewOutcome, Student, Tier
from app.security import audit

COMMITTEE = "校长、分管副校长、教导主任、班主任代表、家长代表"
CLASS = "班主任、学生代表、家长代表"
VISITORS = "班主任、资助专干"
CONTACT = "学校资助办公室，电话 0000-1234567"
CHUNK = 1000
# this term's share of school1's submitted applications per stage, in the order they are taken
STAGES = (("notice_ended", 0.25), ("notice_running", 0.15), ("decided", 0.1), ("visited", 0.1),
          ("scored", 0.1), ("class_reviewed", 0.05), ("returned", 0.05))


def snapshot_submissions(session, district_id: int) -> int:
    """Freeze the household of every submitted demo application that has no snapshot yet."""
    done, last = 0, 0
    with audit.paused(session):
        while True:
            apps = session.query(Application).join(Student, Student.id == Application.student_id).filter(
                Student.district_id == district_id, Application.id > last,
                Application.status == ApplicationStatus.SUBMITTED, Application.household_snapshot.is_(None),
                Student.household_id.isnot(None),
            ).options(selectinload(Application.student).selectinload(Student.household).options(
                selectinload(Household.members), selectinload(Household.special_groups),
            )).order_by(Application.id).limit(CHUNK).all()
            if not apps:
                return done
            for app in apps:
                app.household_snapshot = take_snapshot(app.student, app.student.household, app.submitted_on)
            last, done = apps[-1].id, done + len(apps)
            session.flush()


@dataclass
class Days:
    """The system's contexts on the demo's days, and the working days of the district's standard."""

    ctx: Context
    cal: Calendar

    def on(self, day: date) -> Context:
        """The context with the clock at 10 o'clock of `day` (China time)."""
        return replace(self.ctx, clock=FixedClock(day_start(day) + timedelta(hours=10)))

    def after(self, day: date, count: int = 1) -> date:
        """The `count`-th working day after `day`."""
        return self.cal.add(day + timedelta(days=1), count)

    def before(self, day: date) -> date:
        """The last working day before `day`."""
        day -= timedelta(days=1)
        while self.cal.next_working_day(day) != day:
            day -= timedelta(days=1)
        return day


def _submitted(session, school_id: int, term_id: int, by: date | None = None) -> list[int]:
    """Ids of the school's submitted applications of the term (submitted by `by`), oldest first."""
    rows = session.query(Application.id, Application.submitted_on).filter(
        Application.school_id == school_id, Application.term_id == term_id,
        Application.status == ApplicationStatus.SUBMITTED,
        Application.household_snapshot.isnot(None)).order_by(Application.submitted_on, Application.id)
    return [i for i, submitted in rows if by is None or local_day(submitted) <= by]


def _decide(ctx: Context, app_id: int, tiers: dict, decided_on: date) -> bool:
    """The committee takes the suggested tier; an application found not in difficulty is not approved.
    Whether it was found needy."""
    app = ctx.session.get(Application, app_id)
    code = tiers[app.suggested_tier_id]
    assessing.decide(ctx, app_id, tier_code=code, decided_on=decided_on, members=COMMITTEE, votes=(5, 0, 0),
                     minutes="经入户核实，家庭情况属实。")
    if code == "none":
        identification.reject(ctx, app_id, reason="综合评分未达到认定标准。")
        return False
    return True


def _publish(ctx: Context, school_id: int, term_id: int, starts_on: date):
    """A notice of every decided, needy application of the school waiting for one, published."""
    notice = notices.create_notice(ctx, school_id=school_id, term_id=term_id, starts_on=starts_on, contact=CONTACT)
    return notices.publish_notice(ctx, notice.id)


def _object(ctx: Context, entry, content: str):
    """An anonymous objection to a notice entry, received on the context's day."""
    return objections.record_objection(ctx, entry.id, received_on=ctx.today, content=content, raised_by="匿名")


def _answer(ctx: Context, objection, outcome: ObjectionOutcome, answer: str) -> None:
    """The school's answer to an objection, on the context's day."""
    objections.answer_objection(ctx, objection.id, answer=answer, outcome=outcome, answered_on=ctx.today)


def complete_last_year(days: Days, school_ids: list[int], term_id: int, opens: date, tiers: dict) -> dict:
    """Last year's autumn work in every school (applications from `opens`): scored, decided, on a
    notice with two objections answered (one upheld: that pupil is not approved), approved after the
    notice ended."""
    session, counts = days.ctx.session, {"approved": 0, "rejected": 0}
    scored_on = days.after(opens + timedelta(days=20))
    decided_on = days.after(scored_on, 2)
    published_on = days.after(decided_on)
    for school_id in school_ids:
        ids = _submitted(session, school_id, term_id)
        if not ids:
            continue
        for app_id in ids:
            assessing.score(days.on(scored_on), app_id)
        needy = [i for i in ids if _decide(days.on(decided_on), i, tiers, decided_on)]
        counts["rejected"] += len(ids) - len(needy)
        if not needy:
            continue
        notice = _publish(days.on(published_on), school_id, term_id, published_on)
        entries = list(notice.entries)
        if len(entries) >= 3:
            asked, answered = days.on(days.after(published_on)), days.on(days.after(published_on, 2))
            dismissed = _object(asked, entries[0], "该生家里有人在外打工，收入不低，是否应认定为困难？")
            upheld = _object(asked, entries[1], "该生家庭去年已在县城购买商品房，家庭经济情况明显好转。")
            _answer(answered, dismissed, ObjectionOutcome.DISMISSED,
                    "经入户核实，其父长期患病，外出务工者为其叔父，不在同一户内，维持认定。")
            _answer(answered, upheld, ObjectionOutcome.UPHELD, "经核实情况属实，取消该生本次认定。")
            identification.reject(answered, upheld.application_id, reason="公示期间异议经核实成立，不予认定。")
            counts["rejected"] += 1
        counts["approved"] += notice_approval.approve_notice(days.on(days.after(notice.ends_on)), notice.id)
    return counts


def _split(ids: list[int]) -> dict[str, list[int]]:
    """School1's submitted applications shared out over the stages (each gets one when there are enough)."""
    groups, start = {}, 0
    for name, share in STAGES:
        size = max(1, round(len(ids) * share)) if len(ids) > len(STAGES) + 2 else 0
        groups[name], start = ids[start:start + size], start + size
    groups["submitted"] = ids[start:]
    return groups


def _ended_notice_day(days: Days, today: date) -> date:
    """The latest working day a notice can start on to have ended before `today`."""
    day = days.before(today)
    while days.cal.add(day, days.cal.notice_days) >= today:
        day = days.before(day)
    return day


def work_this_term(days: Days, school_id: int, term_id: int, tiers: dict, today: date) -> dict:
    """School1's applications at every stage of this term (see the module's docstring)."""
    session = days.ctx.session
    ended_from = _ended_notice_day(days, today)
    decided_on = days.before(ended_from)
    scored_on = days.before(decided_on)
    groups = _split(_submitted(session, school_id, term_id, by=scored_on - timedelta(days=1)))
    at_scoring, at_decision = days.on(scored_on), days.on(decided_on)
    for app_id in groups["class_reviewed"]:
        assessing.record_class_review(at_scoring, app_id, outcome=ReviewOutcome.PASSED, decided_on=scored_on,
                                      members=CLASS, votes=(30, 2, 1), minutes="班级评议通过。")
    for app_id in groups["returned"]:
        identification.return_for_correction(at_scoring, app_id, reason="家庭成员收入证明不全，请补充后重新提交。")
    scored = [i for name in ("notice_ended", "notice_running", "decided", "visited", "scored") for i in groups[name]]
    for app_id in scored:
        assessing.score(at_scoring, app_id)
    for app_id in groups["visited"] + groups["notice_ended"][:2]:
        assessing.add_home_visit(at_decision, app_id, visited_on=decided_on, visitors=VISITORS,
                                 findings="入户查看住房和家庭成员情况，与申请所述一致。", facts_confirmed=True)
    needy = [i for i in groups["notice_ended"] if _decide(at_decision, i, tiers, decided_on)]
    counts = _notices(days, school_id, term_id, groups["notice_running"], tiers, today, ended_from) if needy else {}
    for app_id in groups["decided"]:
        _decide(days.on(today), app_id, tiers, today)
    return counts


def _notices(days: Days, school_id: int, term_id: int, running_ids: list[int], tiers: dict, today: date,
             ended_from: date) -> dict:
    """A notice from `ended_from` that has ended by `today` (an objection answered, half of it approved),
    then the applications decided on its first day on a notice still running (an objection to answer)."""
    session = days.ctx.session
    ended = _publish(days.on(ended_from), school_id, term_id, ended_from)
    objection = _object(days.on(ended_from), ended.entries[-1], "该生父亲在镇上开了小卖部，家庭收入不低。")
    _answer(days.on(min(days.after(ended_from), ended.ends_on)), objection, ObjectionOutcome.DISMISSED,
            "经核实，小卖部为他人所开，该生父亲仅在店内帮工，维持认定。")
    approve_on = days.on(min(days.after(ended.ends_on), today))
    approved = [e.application_id for e in ended.entries][: len(ended.entries) // 2]
    for app_id in approved:
        identification.approve(approve_on, app_id)
    counts = {"ended": len(ended.entries) - len(approved), "approved": len(approved), "running": 0}
    running_from = days.after(ended.ends_on)
    for app_id in running_ids:
        _decide(days.on(ended_from), app_id, tiers, ended_from)
    if any(session.get(Application, i).status is ApplicationStatus.SCHOOL_REVIEW for i in running_ids):
        running = _publish(days.on(min(running_from, today)), school_id, term_id, running_from)
        counts["running"] = len(running.entries)
        if running.starts_on <= today:
            _object(days.on(running.starts_on), running.entries[0], "该生家庭新购置了小汽车，认定档次是否偏高？")
    return counts


def work_second_school(days: Days, school_id: int, term_id: int, tiers: dict, today: date) -> None:
    """School2 scores and decides everything and publishes its notice today, with an objection."""
    session, ids = days.ctx.session, _submitted(days.ctx.session, school_id, term_id)
    for app_id in ids:
        assessing.score(days.on(today), app_id)
    needy = [i for i in ids if _decide(days.on(today), i, tiers, today)]
    if needy:
        session.flush()
        notice = _publish(days.on(today), school_id, term_id, today)
        if notice.entries and notice.starts_on <= today <= notice.ends_on:
            _object(days.on(today), notice.entries[0], "该生家庭新购置了小汽车，认定档次是否偏高？")


def tier_codes(session) -> dict:
    """{tier id: code}."""
    return {id_: code for id_, code in session.query(Tier.id, Tier.code)}


def calendar_days(ctx: Context, district_id: int, school_year_id: int) -> Days:
    """The system's demo days counted with the district's standard of the school year."""
    return Days(ctx, calendar_for(ctx.session, district_id, school_year_id))
