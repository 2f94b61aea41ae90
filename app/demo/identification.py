"""Demo identification: snapshots of the seeded submissions, then two schools part-way through the work.

The first school (school1) has applications scored and some decided by its committee, the rest
waiting to be scored; the second (school2) has scored and decided everything and put its results on a public notice.
"""
from datetime import date, timedelta

from sqlalchemy.orm import selectinload

from app.commands import assessing, identification, notices, objections
from app.commands.snapshots import take_snapshot
from app.context import Context
from app.models import Application, ApplicationStatus, Household, Student, Tier
from app.security import audit

COMMITTEE = "校长、分管副校长、教导主任、班主任代表、家长代表"
CHUNK = 1000


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


def _submitted(session, school_id: int) -> list[int]:
    """Ids of the school's submitted applications, oldest first."""
    return [i for (i,) in session.query(Application.id).filter(
        Application.school_id == school_id, Application.status == ApplicationStatus.SUBMITTED,
        Application.household_snapshot.isnot(None)).order_by(Application.submitted_on, Application.id)]


def _decide(ctx: Context, app_id: int, tiers: dict, decided_on: date) -> None:
    """The committee takes the suggested tier; an application found not in difficulty is not approved."""
    app = ctx.session.get(Application, app_id)
    code = tiers[app.suggested_tier_id]
    assessing.decide(ctx, app_id, tier_code=code, decided_on=decided_on, members=COMMITTEE, votes=(5, 0, 0),
                     minutes="经入户核实，家庭情况属实。")
    if code == "none":
        identification.reject(ctx, app_id, reason="综合评分未达到认定标准。")


def _notice(ctx: Context, school_id: int, term_id: int) -> None:
    """The second school puts its decisions on a public notice; a parent objects to one entry."""
    notice = notices.create_notice(ctx, school_id=school_id, term_id=term_id, starts_on=ctx.today,
                                   contact="学校资助办公室，电话 0000-1234567")
    notices.publish_notice(ctx, notice.id)
    if notice.entries and notice.starts_on <= ctx.today <= notice.ends_on:
        objections.record_objection(ctx, notice.entries[0].id, received_on=ctx.today,
                                    content="该生家庭新购置了小汽车，认定档次是否偏高？", raised_by="匿名")


def advance(ctx: Context, school_ids: list[int], term_id: int) -> dict:
    """Score and decide part of the first school's applications and all of the second's, whose
    results go on a public notice: the system's work at the context's time, in its transaction."""
    session = ctx.session
    tiers = {id_: code for id_, code in session.query(Tier.id, Tier.code)}
    counts = {"scored": 0, "decided": 0}
    for index, school_id in enumerate(school_ids[:2]):
        ids = _submitted(session, school_id)
        to_score = ids if index == 1 else ids[: len(ids) * 3 // 5]
        to_decide = to_score if index == 1 else to_score[: len(to_score) // 2]
        for app_id in to_score:
            assessing.score(ctx, app_id)
        decided_on = ctx.today - timedelta(days=2)
        for app_id in to_decide:
            _decide(ctx, app_id, tiers, decided_on)
        counts["scored"] += len(to_score)
        counts["decided"] += len(to_decide)
        if index == 1 and to_decide:
            session.flush()
            _notice(ctx, school_id, term_id)
    session.flush()
    return counts
