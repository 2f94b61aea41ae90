"""Approving a public notice once it has ended: every entry checked first, then all approved, or none."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists

from app.errors import DomainError
from app.commands.identification import approve as approve_application
from app.commands.identification import check_step, load, open_objections
from app.commands.notices import NoticeState, load_notice, notice_of, set_status
from app.models import Application, ApplicationStatus, NoticeEntry, NoticeStatus, PublicNotice
from app.security.scope import Scope, limit


class NoticeApprovalRefused(DomainError):
    """An entry of the notice cannot be approved; nothing was approved."""


def _refusal(session, app: Application, today: date):
    """Why the application cannot be approved today (None when it can), as approve() would say."""
    check_step(session, app, "approve")  # IllegalStep names the status
    if open_objections(session, app.id):
        return _l("an objection has not been answered yet")
    listed = notice_of(session, app.id)
    if listed is not None and listed.ends_on >= today:
        return _l("the public notice runs until %(day)s", day=listed.ends_on.isoformat())
    return None


def approve_notice(session, notice_id: int, scope: Scope, *, today: date, now: datetime) -> int:
    """Approve every application of the notice still in NOTICE; all or nothing. How many."""
    notice = load_notice(session, notice_id, scope, lock=True)
    if notice.published_at is None:
        raise NoticeState(_l("This notice has not been published; nothing can be approved."))
    if notice.ends_on >= today:
        raise NoticeState(_l("The public notice runs until %(day)s; approve after it has ended.",
                             day=notice.ends_on.isoformat()))
    apps = [load(session, e.application_id, scope, lock=True) for e in notice.entries]
    apps = [a for a in apps if a.status is ApplicationStatus.NOTICE and notice_of(session, a.id) is notice]
    if not apps:
        raise NoticeState(_l("No application of this notice is waiting for approval."))
    for app in apps:  # check every entry before approving any
        reason = _refusal(session, app, today)
        if reason is not None:
            raise NoticeApprovalRefused(_l("%(name)s cannot be approved: %(reason)s. Nothing was approved.",
                                           name=app.student.name, reason=reason))
    if notice.status is NoticeStatus.PUBLISHED:
        set_status(session, notice, NoticeStatus.WITHDRAWN, now, "withdraw", "ended", system=True)
    for app in apps:
        approve_application(session, app.id, scope, today=today, now=now)
    return len(apps)


def ready_to_approve(session, scope: Scope, *, today: date):
    """Query: notices that have ended with applications still waiting for approval."""
    waiting = exists().where(NoticeEntry.notice_id == PublicNotice.id,
                             Application.id == NoticeEntry.application_id,
                             Application.status == ApplicationStatus.NOTICE)
    query = session.query(PublicNotice).filter(PublicNotice.status != NoticeStatus.DRAFT,
                                               PublicNotice.published_at.isnot(None),
                                               PublicNotice.ends_on < today, waiting)
    return limit(query, PublicNotice, scope)
