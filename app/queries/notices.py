"""Read models of public notices (公示) and objections (异议), shared by the commands, pages, workbench and API.

Days are China days (`today` is a context's `ctx.today`). What needs the working-day calendar of the
district's standard in force (a draft's period, objections due soon) is in the commands that own it.
"""
from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func

from app.clock import local_day
from app.models import (
    Application,
    ApplicationStatus,
    NoticeEntry,
    NoticeStatus,
    Objection,
    PublicNotice,
    ReviewDecision,
    ReviewStage,
    School,
    Term,
    Tier,
)
from app.queries.aid_awards import AidAwards
from app.security.scope import Scope, limit

LIVE = (NoticeStatus.DRAFT, NoticeStatus.PUBLISHED)
OPEN, ANSWERED, OVERDUE, REVIEW = "open", "answered", "overdue", "review"
STATES = (OPEN, OVERDUE, ANSWERED, REVIEW)  # REVIEW: a review (复核) asked for, not decided by the district


# how a notice reads on its page and in the list (see `shown_status`)
SHOWN_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "ended": _l("Notice period over"),
    "withdrawn": _l("Withdrawn"),
}


def shown_status(notice: PublicNotice, today: date) -> str:
    """How the notice reads: 'draft'; 'published' while its period runs (or has not begun); 'ended' once
    its full period has run, whether it is still up or was taken down after its end date (the hourly
    task, approval, or a person); 'withdrawn' only when taken down before its end date (or a draft
    discarded without ever being published)."""
    if notice.status is NoticeStatus.DRAFT:
        return "draft"
    if notice.published_at is None:
        return "withdrawn"
    if notice.status is NoticeStatus.PUBLISHED:
        return "ended" if notice.ends_on < today else "published"
    taken_down = local_day(notice.withdrawn_at) if notice.withdrawn_at else today
    return "ended" if taken_down > notice.ends_on else "withdrawn"


def waiting_count(session, notice: PublicNotice) -> int:
    """How many of the notice's pupils still wait on it for approval: in NOTICE, and this notice is the
    one that listed them last (a pupil taken off and put on a newer notice waits there), as
    approve_notice counts them."""
    return sum(1 for e in notice.entries if e.application.status is ApplicationStatus.NOTICE
               and notice_of(session, e.application_id) is notice)


def approved_count(notice: PublicNotice) -> int:
    """How many of the notice's pupils are approved."""
    return sum(1 for e in notice.entries if e.application.status is ApplicationStatus.APPROVED)


def objection_closed(notice: PublicNotice, today: date, waiting: int) -> str | None:
    """Why no objection can be recorded on the notice today (None when the form is offered): an
    objection is received during the notice period, on a day from its first day to today; after the
    period one received in it (a letter of its last day) may still be recorded while pupils wait."""
    if notice.status is NoticeStatus.DRAFT:
        return gettext("Objections are recorded once the notice is published.")
    if notice.published_at is None or shown_status(notice, today) == "withdrawn":
        return gettext("The notice was withdrawn; no objection is recorded on it.")
    if today < notice.starts_on:
        return gettext("Objections are recorded from %(day)s, the first day of the notice.",
                       day=notice.starts_on.isoformat())
    if not waiting:
        return gettext("No pupil on this notice is waiting for approval any more; no objection can be recorded.")
    return None


def last_receiving_day(notice: PublicNotice, today: date) -> date:
    """The latest day an objection recorded today may say it was received: today, or the notice's
    last day once the period has ended."""
    return min(today, notice.ends_on)


def find_notice(session, scope: Scope, notice_id: int) -> PublicNotice | None:
    """The notice if it exists in `scope` (None otherwise: a page answers 404)."""
    return limit(session.query(PublicNotice).filter(PublicNotice.id == notice_id), PublicNotice, scope).one_or_none()


def notice_of(session, application_id: int) -> PublicNotice | None:
    """The latest notice that publicly listed the application (None if never listed); a discarded
    draft is withdrawn without ever having been published, and does not count."""
    return session.query(PublicNotice).join(NoticeEntry, NoticeEntry.notice_id == PublicNotice.id).filter(
        NoticeEntry.application_id == application_id, PublicNotice.status != NoticeStatus.DRAFT,
        PublicNotice.published_at.isnot(None),
    ).order_by(PublicNotice.id.desc()).first()


def school_and_term(session, scope: Scope, school_id: int | None, term_id: int | None):
    """(school, term) when the school is in scope and the term exists, else None."""
    school = limit(session.query(School).filter(School.id == school_id), School, scope).one_or_none()
    term = session.get(Term, term_id) if term_id else None
    return None if school is None or term is None else (school, term)


def noticeable(session, scope: Scope, *, school_id: int | None, term_id: int):
    """Query: applications of the term (of one school, or all in scope) ready for a notice:
    in school review with a committee decision and a needy final tier, and on no draft yet."""
    decided = exists().where(ReviewDecision.application_id == Application.id,
                             ReviewDecision.stage == ReviewStage.SCHOOL)
    on_draft = exists().where(NoticeEntry.application_id == Application.id,
                              NoticeEntry.notice_id == PublicNotice.id,
                              PublicNotice.status == NoticeStatus.DRAFT)
    query = session.query(Application).join(Tier, Tier.id == Application.final_tier_id).filter(
        Application.term_id == term_id, Application.status == ApplicationStatus.SCHOOL_REVIEW,
        Tier.is_needy.is_(True), decided, ~on_draft)
    if school_id is not None:
        query = query.filter(Application.school_id == school_id)
    return limit(query, Application, scope)


def entry_values(app: Application, awards: AidAwards) -> dict:
    """What a notice may show of an application: name, grade, class, tier and the aid items the pupil is
    to receive in the term (`awards`, by the entitlement rules); nothing else."""
    pupil = app.student
    items = awards.item_names(app.term, tier_id=app.final_tier_id, boarding=pupil.boarding)
    return {"application_id": app.id, "name": pupil.name, "grade": pupil.grade,
            "class_name": pupil.class_name, "tier_name": app.final_tier.name, "aid_item": items,
            "sort_key": f"{pupil.grade:02d}{pupil.class_name[:16]:>16}{pupil.name}"[:40]}


def preview(session, scope: Scope, *, school_id: int, term_id: int) -> list[dict]:
    """The entries a notice of the school and term made now would list, in notice order."""
    awards = AidAwards(session)
    rows = [entry_values(app, awards) for app in noticeable(session, scope, school_id=school_id, term_id=term_id)]
    return sorted(rows, key=lambda row: row["sort_key"])


def default_title(school: School, term: Term) -> str:
    """'<school> <term> 家庭经济困难学生认定结果公示' in the user's language."""
    return gettext("%(school)s %(term)s: results of the identification of pupils from families in "
                   "financial difficulty", school=school.name, term=term.name)[:120]


def ready_to_approve(session, scope: Scope, *, today: date):
    """Query: notices that have ended with applications still waiting for approval."""
    waiting = exists().where(NoticeEntry.notice_id == PublicNotice.id,
                             Application.id == NoticeEntry.application_id,
                             Application.status == ApplicationStatus.NOTICE)
    query = session.query(PublicNotice).filter(PublicNotice.status != NoticeStatus.DRAFT,
                                               PublicNotice.published_at.isnot(None),
                                               PublicNotice.ends_on < today, waiting)
    return limit(query, PublicNotice, scope)


def entry_counts(session, notice_ids: list[int]) -> dict:
    """{notice id: number of entries} for the notices of a list page."""
    rows = session.query(NoticeEntry.notice_id, func.count()).filter(NoticeEntry.notice_id.in_(notice_ids))
    return dict(rows.group_by(NoticeEntry.notice_id).all())


def open_objection_counts(session, notice_ids: list[int]) -> dict:
    """{notice id: number of unanswered objections} for the notices of a list page."""
    rows = session.query(Objection.notice_id, func.count()).filter(
        Objection.notice_id.in_(notice_ids), Objection.answered_on.is_(None))
    return dict(rows.group_by(Objection.notice_id).all())


def objections_by_entry(session, scope: Scope, notice_id: int) -> dict:
    """{entry id: [objection, …]} of a notice, in the order received."""
    found = limit(session.query(Objection), Objection, scope).filter(Objection.notice_id == notice_id)
    by_entry = {}
    for objection in found.order_by(Objection.received_on, Objection.id):
        by_entry.setdefault(objection.entry_id, []).append(objection)
    return by_entry


def urgency(objection: Objection, today: date, until: date) -> str | None:
    """'overdue', 'soon' (due by the next working day) or None; answered objections have none."""
    if objection.answered_on is not None:
        return None
    if objection.due_on < today:
        return OVERDUE
    return "soon" if objection.due_on <= until else None


def objections(session, scope: Scope, *, state: str | None, today: date):
    """Query: objections in scope, optionally only open, overdue, answered or under review; soonest due first."""
    query = limit(session.query(Objection), Objection, scope)
    if state == OPEN:
        query = query.filter(Objection.answered_on.is_(None))
    elif state == OVERDUE:
        query = query.filter(Objection.answered_on.is_(None), Objection.due_on < today)
    elif state == ANSWERED:
        query = query.filter(Objection.answered_on.isnot(None))
    elif state == REVIEW:
        query = query.filter(Objection.review_requested_on.isnot(None), Objection.review_decided_on.is_(None))
    return query.order_by(Objection.answered_on.isnot(None), Objection.due_on, Objection.id)
