"""Approving a public notice once it has ended: every entry checked first, then all approved, or none."""
from flask_babel import lazy_gettext as _l

from app.commands import identification
from app.commands.notices import NoticeState, load_notice, set_status
from app.context import Context
from app.errors import DomainError
from app.models import Application, ApplicationStatus, NoticeStatus
from app.queries.notices import notice_of


class NoticeApprovalRefused(DomainError):
    """An entry of the notice cannot be approved; nothing was approved."""


def _refusal(ctx: Context, app: Application):
    """Why the application in NOTICE cannot be approved today (None when it can), as approve() would say."""
    if identification.open_objections(ctx.session, app.id):
        return _l("an objection has not been answered yet")
    if identification.open_reviews(ctx.session, app.id):
        return _l("the district has not decided the review the family asked for yet")
    listed = notice_of(ctx.session, app.id)
    if listed is not None and listed.ends_on >= ctx.today:
        return _l("the public notice runs until %(day)s", day=listed.ends_on.isoformat())
    return None


def approve_notice(ctx: Context, notice_id: int) -> int:
    """Approve every application of the notice still in NOTICE; all or nothing. How many."""
    notice = load_notice(ctx, notice_id, lock=True)
    if notice.published_at is None:
        raise NoticeState(_l("This notice has not been published; nothing can be approved."))
    if notice.ends_on >= ctx.today:
        raise NoticeState(_l("The public notice runs until %(day)s; approve after it has ended.",
                             day=notice.ends_on.isoformat()))
    apps = [identification.load(ctx, e.application_id, lock=True) for e in notice.entries]
    apps = [a for a in apps if a.status is ApplicationStatus.NOTICE and notice_of(ctx.session, a.id) is notice]
    if not apps:
        raise NoticeState(_l("No application of this notice is waiting for approval."))
    for app in apps:  # check every entry before approving any
        reason = _refusal(ctx, app)
        if reason is not None:
            raise NoticeApprovalRefused(_l("%(name)s cannot be approved: %(reason)s. Nothing was approved.",
                                           name=app.student.name, reason=reason))
    if notice.status is NoticeStatus.PUBLISHED:
        set_status(ctx, notice, NoticeStatus.WITHDRAWN, "withdraw", "ended", system=True)
    for app in apps:
        identification.approve(ctx, app.id)
    return len(apps)
