"""Public notices (公示) of identification results: draft, publish, withdraw, expire, approve.

A notice lists only name, grade, class, tier and aid item (entries copy nothing else); its period is
counted in working days with the holidays of the district's standard. Objections are in
`app/commands/objections.py`. `now` is naive UTC like every stamp; days (`today`, the notice's dates)
are local days in China.
"""
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists

from app.commands.clock import local_day
from app.errors import DomainError, FieldErrors, NotFound
from app.commands.identification import load, transition
from app.commands.locking import lock_all, lock_one
from app.commands.standards import active_standard, parameters
from app.models import (
    Application,
    ApplicationStatus,
    NoticeEntry,
    NoticeStatus,
    PublicNotice,
    ReviewDecision,
    ReviewStage,
    School,
    Term,
    Tier,
)
from app.models.audit import AuditEvent
from app.security import audit
from app.security.scope import Scope, limit
from app.services.workdays import add_working_days, next_working_day

LIVE = (NoticeStatus.DRAFT, NoticeStatus.PUBLISHED)
SYSTEM = "system"


class NoticeNotFound(NotFound):
    """No such notice (or school, term) in the user's scope."""


class NothingToNotice(DomainError):
    """No decided, needy application waits for a notice."""


class NoticeOverlaps(DomainError):
    """The school already has a draft or published notice for the term in that period."""


class NoticeState(DomainError):
    """The notice is not in the status the step needs."""


@dataclass(frozen=True)
class Calendar:
    """Working-day rules of a district and school year (from its standard in force)."""

    holidays: frozenset
    workdays: frozenset
    notice_days: int
    objection_days: int

    def add(self, start: date, count: int) -> date:
        """The last day of `count` working days beginning on `start`."""
        return add_working_days(start, count, self.holidays, self.workdays)

    def next_working_day(self, day: date) -> date:
        """`day` when it is a working day, else the next one."""
        return next_working_day(day, self.holidays, self.workdays)


def calendar_for(session, district_id: int, school_year_id: int) -> Calendar:
    """The calendar of the active standard of the district and school year (NoActiveStandard if none)."""
    params = parameters(active_standard(session, district_id, school_year_id))
    return Calendar(frozenset(date.fromisoformat(d) for d in params["holidays"]),
                    frozenset(date.fromisoformat(d) for d in params["workdays"]),
                    int(params["notice_working_days"]), int(params["objection_working_days"]))


def notice_calendar(session, notice: PublicNotice) -> Calendar:
    """The calendar a notice's dates are counted with."""
    return calendar_for(session, notice.school.district_id, notice.term.school_year_id)


def notice_of(session, application_id: int) -> PublicNotice | None:
    """The latest notice that publicly listed the application (None if never listed); a discarded
    draft is withdrawn without ever having been published, and does not count."""
    return session.query(PublicNotice).join(NoticeEntry, NoticeEntry.notice_id == PublicNotice.id).filter(
        NoticeEntry.application_id == application_id, PublicNotice.status != NoticeStatus.DRAFT,
        PublicNotice.published_at.isnot(None),
    ).order_by(PublicNotice.id.desc()).first()


def load_notice(session, notice_id: int, scope: Scope, *, lock: bool = False) -> PublicNotice:
    """The notice if it exists in `scope`, else NoticeNotFound."""
    query = limit(session.query(PublicNotice).filter(PublicNotice.id == notice_id), PublicNotice, scope)
    notice = lock_one(session, query, PublicNotice, notice_id) if lock else query.one_or_none()
    if notice is None:
        raise NoticeNotFound(_l("No such public notice, or it is not in your school."))
    return notice


def _school_and_term(session, scope: Scope, school_id: int, term_id: int) -> tuple[School, Term]:
    """The school (in scope) and the term, else NoticeNotFound."""
    school = limit(session.query(School).filter(School.id == school_id), School, scope).one_or_none()
    term = session.get(Term, term_id) if term_id else None
    if school is None or term is None:
        raise NoticeNotFound(_l("No such school or term, or the school is not yours."))
    return school, term


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


def entry_values(app: Application) -> dict:
    """What a notice may show of an application: name, grade, class, tier; nothing else."""
    pupil = app.student
    return {"application_id": app.id, "name": pupil.name, "grade": pupil.grade,
            "class_name": pupil.class_name, "tier_name": app.final_tier.name, "aid_item": None,
            "sort_key": f"{pupil.grade:02d}{pupil.class_name[:16]:>16}{pupil.name}"[:40]}


def preview(session, scope: Scope, *, school_id: int, term_id: int) -> list[dict]:
    """The entries a notice made now would list, in notice order."""
    _school_and_term(session, scope, school_id, term_id)
    rows = [entry_values(app) for app in noticeable(session, scope, school_id=school_id, term_id=term_id)]
    return sorted(rows, key=lambda row: row["sort_key"])


def default_title(school: School, term: Term) -> str:
    """'<school> <term> 家庭经济困难学生认定结果公示' in the user's language."""
    return gettext("%(school)s %(term)s: results of the identification of pupils from families in "
                   "financial difficulty", school=school.name, term=term.name)[:120]


def _refuse_overlap(session, school_id: int, term_id: int, starts_on: date, ends_on: date) -> None:
    """NoticeOverlaps when a draft or published notice of the school and term shares a day."""
    clash = session.query(PublicNotice.id).filter(
        PublicNotice.school_id == school_id, PublicNotice.term_id == term_id,
        PublicNotice.status.in_(LIVE), PublicNotice.starts_on <= ends_on,
        PublicNotice.ends_on >= starts_on).first()
    if clash is not None:
        raise NoticeOverlaps(_l("The school already has a draft or published notice for this term in "
                                "that period; publish or withdraw it first."))


def create_notice(session, scope: Scope, *, school_id: int, term_id: int, starts_on: date,
                  title: str | None = None, contact: str | None = None) -> PublicNotice:
    """A draft notice of every decided, needy application of the school and term."""
    if starts_on is None:
        raise FieldErrors({"starts_on": [_l("is required")]})
    school, term = _school_and_term(session, scope, school_id, term_id)
    # two officers saving a draft at once: the second waits here, then sees the first's draft
    lock_one(session, session.query(School.id).filter(School.id == school.id), School, school.id)
    entries = preview(session, scope, school_id=school_id, term_id=term_id)
    if not entries:
        raise NothingToNotice(_l("No application of this school and term has a committee decision "
                                 "with a needy tier waiting for a notice."))
    cal = calendar_for(session, school.district_id, term.school_year_id)
    starts_on = cal.next_working_day(starts_on)
    ends_on = cal.add(starts_on, cal.notice_days)
    _refuse_overlap(session, school_id, term_id, starts_on, ends_on)
    notice = PublicNotice(school_id=school_id, term_id=term_id, status=NoticeStatus.DRAFT,
                          title=(title or "").strip()[:120] or default_title(school, term),
                          starts_on=starts_on, ends_on=ends_on, working_days=cal.notice_days,
                          objection_days=cal.objection_days, contact=(contact or "").strip()[:100] or None)
    session.add(notice)
    session.flush()
    session.add_all(NoticeEntry(notice_id=notice.id, **row) for row in entries)
    session.flush()
    return notice


def _event(session, notice: PublicNotice, step: str, detail: str = "", *, system: bool = False) -> None:
    """One audit event for a step of the notice; system steps name no user, even inside a request."""
    row = audit.event_row(audit.WORKFLOW, entity="public_notice", entity_id=notice.id,
                          school_id=notice.school_id, detail=f"{step}: {detail}" if detail else step,
                          new={"status": notice.status, "starts_on": notice.starts_on,
                               "ends_on": notice.ends_on})
    if system:
        row.update(user_id=None, username=SYSTEM)
    session.add(AuditEvent(**row))


def set_status(session, notice: PublicNotice, status: NoticeStatus, now: datetime, step: str,
                detail: str = "", *, system: bool = False) -> PublicNotice:
    """Change the notice's status and stamp it, audited as one event (no per-row capture)."""
    with audit.paused(session):
        notice.status = status
        if status is NoticeStatus.PUBLISHED:
            notice.published_at = now
        else:
            notice.withdrawn_at = now
        session.flush()
    _event(session, notice, step, detail, system=system)
    return notice


def publish_notice(session, notice_id: int, scope: Scope, *, now: datetime) -> PublicNotice:
    """Draft → published; every listed application goes to NOTICE (audited per application).

    A draft published after its start date starts today (or the next working day) and its end date
    is counted again, so that the public sees the full number of working days.
    """
    notice = load_notice(session, notice_id, scope, lock=True)
    if notice.status is not NoticeStatus.DRAFT:
        raise NoticeState(_l("Only a draft notice can be published."))
    apps = [load(session, entry.application_id, scope, lock=True) for entry in notice.entries]
    for entry, app in zip(notice.entries, apps, strict=True):
        decided = app.final_tier is not None and app.final_tier.is_needy and app.decided_on is not None
        if app.status is not ApplicationStatus.SCHOOL_REVIEW or not decided:
            raise NoticeState(_l("%(name)s is no longer waiting for the notice; make a new draft.",
                                 name=app.student.name))
        for key, value in entry_values(app).items():  # the committee may have decided again since
            setattr(entry, key, value)
    today = local_day(now)
    if notice.starts_on < today:
        cal = notice_calendar(session, notice)
        notice.starts_on = cal.next_working_day(today)
        notice.ends_on = cal.add(notice.starts_on, notice.working_days)
    for app in apps:
        transition(session, app, "publish", detail=f"notice {notice.id}")
    return set_status(session, notice, NoticeStatus.PUBLISHED, now, "publish",
                       f"{notice.starts_on.isoformat()}..{notice.ends_on.isoformat()}")


def withdraw_notice(session, notice_id: int, scope: Scope, *, now: datetime) -> PublicNotice:
    """Take a published notice down, or discard a draft (it never listed anyone publicly).

    After its end date the applications stay in NOTICE, to be approved; taken down earlier, they go
    back to school review and need a new notice.
    """
    notice = load_notice(session, notice_id, scope, lock=True)
    if notice.status not in LIVE:
        raise NoticeState(_l("This notice has already been withdrawn."))
    step = "withdraw" if notice.status is NoticeStatus.PUBLISHED else "discard"
    if step == "withdraw" and local_day(now) <= notice.ends_on:
        # taken down before its period ended: the public did not see it long enough, so its pupils
        # go back to school review and need a new notice
        for entry in notice.entries:
            app = load(session, entry.application_id, scope, lock=True)
            if app.status is ApplicationStatus.NOTICE:
                transition(session, app, "withdraw", detail=f"notice {notice.id} taken down early")
    return set_status(session, notice, NoticeStatus.WITHDRAWN, now, step)


def withdraw_expired(session, *, today: date, now: datetime) -> int:
    """Withdraw every published notice whose end date has passed (a system step); how many."""
    query = session.query(PublicNotice).filter(PublicNotice.status == NoticeStatus.PUBLISHED,
                                               PublicNotice.ends_on < today)
    if not session.query(query.exists()).scalar():
        return 0  # the usual case on a page load: nothing written, no lock taken
    found = [n for n in lock_all(session, query, PublicNotice, skip_locked=True)
             if n.status is NoticeStatus.PUBLISHED]  # re-read: another request may have taken it down
    for notice in found:
        set_status(session, notice, NoticeStatus.WITHDRAWN, now, "withdraw",
                    "ended on " + notice.ends_on.isoformat(), system=True)
    return len(found)


def run_expiry(session, now: datetime) -> int:
    """The periodic task's entry point: withdraw expired notices and commit."""
    count = withdraw_expired(session, today=local_day(now), now=now)
    session.commit()
    return count
