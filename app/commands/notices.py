"""Public notices (公示) of identification results: draft, publish, withdraw, expire.

A notice lists only name, grade, class, tier and aid items (entries copy nothing else; the items are
those the entitlement rules give the pupil's tier and boarding status in the term); its period is
counted in working days with the holidays of the district's standard in force (`Calendar`, here
beside the draft's preview because both read the standard through `app/commands/standards.py`).
Approval is in `app/commands/notice_approval.py`, objections in `app/commands/objections.py`. Days
(`ctx.today`, the notice's dates) are China days.
"""
from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import lazy_gettext as _l

from app.commands import identification
from app.commands.locking import lock_all, lock_one
from app.commands.standards import NoActiveStandard, active_standard, parameters
from app.context import Actor, Context
from app.errors import DomainError, FieldErrors, NotFound
from app.models import ApplicationStatus, NoticeEntry, NoticeStatus, PublicNotice, School
from app.models.audit import AuditEvent
from app.queries.aid_awards import AidAwards
from app.queries.notices import (
    LIVE,
    default_title,
    entry_values,
    notice_of,  # noqa: F401  (re-exported: identification.approve reads it here)
    preview,
    school_and_term,
)
from app.security import audit
from app.security.scope import Scope, limit
from app.services.workdays import add_working_days, next_working_day

SYSTEM = Actor(username="system")  # a system step: no user, named so in the audit trail


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


@dataclass(frozen=True)
class DraftPreview:
    """What a draft made now would list, and its period; `refusal` says why none can be made."""

    entries: list = field(default_factory=list)
    starts_on: date | None = None
    ends_on: date | None = None
    working_days: int | None = None
    default_title: str | None = None
    refusal: str | None = None


def draft_preview(session, scope: Scope, *, school_id: int, term_id: int, starts_on: date) -> DraftPreview | None:
    """The draft the form's choices would make; None when the school is not in scope or the term unknown."""
    found = school_and_term(session, scope, school_id, term_id)
    if found is None:
        return None
    school, term = found
    entries = preview(session, scope, school_id=school_id, term_id=term_id)
    try:
        cal = calendar_for(session, school.district_id, term.school_year_id)
    except NoActiveStandard as err:
        return DraftPreview(refusal=str(err))
    starts = cal.next_working_day(starts_on)
    return DraftPreview(entries, starts, cal.add(starts, cal.notice_days), cal.notice_days,
                        default_title(school, term))


def load_notice(ctx: Context, notice_id: int, *, lock: bool = False) -> PublicNotice:
    """The notice if it exists in the context's scope, else NoticeNotFound; `lock` for a step."""
    session = ctx.session
    query = limit(session.query(PublicNotice).filter(PublicNotice.id == notice_id), PublicNotice, ctx.scope)
    notice = lock_one(session, query, PublicNotice, notice_id) if lock else query.one_or_none()
    if notice is None:
        raise NoticeNotFound(_l("No such public notice, or it is not in your school."))
    return notice


def _refuse_overlap(session, school_id: int, term_id: int, starts_on: date, ends_on: date) -> None:
    """NoticeOverlaps when a draft or published notice of the school and term shares a day."""
    clash = session.query(PublicNotice.id).filter(
        PublicNotice.school_id == school_id, PublicNotice.term_id == term_id,
        PublicNotice.status.in_(LIVE), PublicNotice.starts_on <= ends_on,
        PublicNotice.ends_on >= starts_on).first()
    if clash is not None:
        raise NoticeOverlaps(_l("The school already has a draft or published notice for this term in "
                                "that period; publish or withdraw it first."))


def create_notice(ctx: Context, *, school_id: int, term_id: int, starts_on: date,
                  title: str | None = None, contact: str | None = None) -> PublicNotice:
    """A draft notice of every decided, needy application of the school and term."""
    if starts_on is None:
        raise FieldErrors({"starts_on": [_l("is required")]})
    session, scope = ctx.session, ctx.scope
    found = school_and_term(session, scope, school_id, term_id)
    if found is None:
        raise NoticeNotFound(_l("No such school or term, or the school is not yours."))
    school, term = found
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


def set_status(ctx: Context, notice: PublicNotice, status: NoticeStatus, step: str, detail: str = "",
               *, system: bool = False) -> PublicNotice:
    """Change the notice's status and stamp it, audited as one event (no per-row capture); a system
    step names no user, even inside a request."""
    with audit.paused(ctx.session):
        notice.status = status
        if status is NoticeStatus.PUBLISHED:
            notice.published_at = ctx.now
        else:
            notice.withdrawn_at = ctx.now
        ctx.session.flush()
    by = ctx.acting_as(replace(SYSTEM, ip=ctx.actor.ip)) if system else ctx  # a system step keeps the address
    row = audit.event_row(by, audit.WORKFLOW, entity="public_notice",
                          entity_id=notice.id, school_id=notice.school_id,
                          detail=f"{step}: {detail}" if detail else step,
                          new={"status": notice.status, "starts_on": notice.starts_on, "ends_on": notice.ends_on})
    ctx.session.add(AuditEvent(**row))
    return notice


def publish_notice(ctx: Context, notice_id: int) -> PublicNotice:
    """Draft → published; every listed application goes to NOTICE (audited per application).

    A draft published after its start date starts today (or the next working day) and its end date
    is counted again, so that the public sees the full number of working days.
    """
    notice = load_notice(ctx, notice_id, lock=True)
    if notice.status is not NoticeStatus.DRAFT:
        raise NoticeState(_l("Only a draft notice can be published."))
    apps = [identification.load(ctx, entry.application_id, lock=True) for entry in notice.entries]
    awards = AidAwards(ctx.session)
    for entry, app in zip(notice.entries, apps, strict=True):
        decided = app.final_tier is not None and app.final_tier.is_needy and app.decided_on is not None
        if app.status is not ApplicationStatus.SCHOOL_REVIEW or not decided:
            raise NoticeState(_l("%(name)s is no longer waiting for the notice; make a new draft.",
                                 name=app.student.name))
        for key, value in entry_values(app, awards).items():  # the committee may have decided again since
            setattr(entry, key, value)
    if notice.starts_on < ctx.today:
        cal = notice_calendar(ctx.session, notice)
        notice.starts_on = cal.next_working_day(ctx.today)
        notice.ends_on = cal.add(notice.starts_on, notice.working_days)
    for app in apps:
        identification.transition(ctx, app, "publish", detail=f"notice {notice.id}")
    return set_status(ctx, notice, NoticeStatus.PUBLISHED, "publish",
                      f"{notice.starts_on.isoformat()}..{notice.ends_on.isoformat()}")


def withdraw_notice(ctx: Context, notice_id: int) -> PublicNotice:
    """Take a published notice down, or discard a draft (it never listed anyone publicly).

    After its end date the applications stay in NOTICE, to be approved; taken down earlier, they go
    back to school review and need a new notice.
    """
    notice = load_notice(ctx, notice_id, lock=True)
    if notice.status not in LIVE:
        raise NoticeState(_l("This notice has already been withdrawn."))
    step = "withdraw" if notice.status is NoticeStatus.PUBLISHED else "discard"
    if step == "withdraw" and ctx.today <= notice.ends_on:
        # taken down before its period ended: the public did not see it long enough, so its pupils
        # go back to school review and need a new notice
        for entry in notice.entries:
            app = identification.load(ctx, entry.application_id, lock=True)
            if app.status is ApplicationStatus.NOTICE:
                identification.transition(ctx, app, "withdraw", detail=f"notice {notice.id} taken down early")
    return set_status(ctx, notice, NoticeStatus.WITHDRAWN, step)


def withdraw_expired(ctx: Context) -> int:
    """Withdraw every published notice in scope whose end date has passed, as a system step (the
    periodic task's); how many."""
    session = ctx.session
    query = limit(session.query(PublicNotice).filter(PublicNotice.status == NoticeStatus.PUBLISHED,
                                                     PublicNotice.ends_on < ctx.today), PublicNotice, ctx.scope)
    if not session.query(query.exists()).scalar():
        return 0  # the usual case: nothing written, no lock taken
    found = [n for n in lock_all(session, query, PublicNotice, skip_locked=True)
             if n.status is NoticeStatus.PUBLISHED]  # re-read: someone may have taken it down meanwhile
    for notice in found:
        set_status(ctx, notice, NoticeStatus.WITHDRAWN, "withdraw", "ended on " + notice.ends_on.isoformat(),
                   system=True)
    return len(found)


def record_export(ctx: Context, notice_id: int) -> PublicNotice:
    """Audit one download of a notice's xlsx (the page checks that it is published)."""
    notice = load_notice(ctx, notice_id)
    audit.record(ctx, audit.EXPORT, entity="public_notice", entity_id=notice.id, school_id=notice.school_id,
                 detail="public notice xlsx", row_count=len(notice.entries))
    return notice
