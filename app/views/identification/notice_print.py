"""The printable A4 page and the xlsx of a public notice (only a published notice is for posting)."""
from flask import abort, flash, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import get_locale, gettext

from app.commands import notices as cmd
from app.models import NoticeStatus
from app.queries.notices import find_notice
from app.reports.downloads import attachment
from app.reports.notice_xlsx import entry_rows, headers, notice_workbook, objection_sentence, period
from app.security.request_context import current_context
from app.views.framework.runner import attempt


class NoticePrintView(BaseView):
    """A4 page and xlsx of a notice. Drafts and withdrawn notices are shown to staff, marked, not for posting."""

    route_base = "/notices"
    class_permission_name = "PublicNotice"
    method_permission_name = {"print_page": "read", "xlsx": "read"}

    def _notice(self, pk: int):
        """The notice in the user's scope (404 otherwise)."""
        ctx = current_context()
        return find_notice(ctx.session, ctx.scope, pk) or abort(404)

    @expose("/<int:pk>/print")
    @has_access
    def print_page(self, pk):
        """The notice on A4 with its own minimal template (no navigation)."""
        notice = self._notice(pk)
        return self.render_template(
            "zizhu/notices/print.html", notice=notice, headers=headers(), rows=entry_rows(notice),
            period=period(notice), objection_sentence=objection_sentence(notice),
            postable=notice.status is NoticeStatus.PUBLISHED,
            lang="zh-CN" if str(get_locale() or "zh").startswith("zh") else "en")

    @expose("/<int:pk>/xlsx")
    @has_access
    def xlsx(self, pk):
        """The notice as xlsx, only while it is published; every download is audited."""
        notice = self._notice(pk)
        if notice.status is not NoticeStatus.PUBLISHED:
            flash(gettext("Only a published notice can be downloaded; a draft or withdrawn notice is not "
                          "for posting."), "warning")
            return redirect(url_for("PublicNoticeView.show", pk=pk))
        content, day = notice_workbook(notice), notice.starts_on.isoformat()
        ok, _ = attempt(cmd.record_export, pk)
        if not ok:
            return redirect(url_for("PublicNoticeView.show", pk=pk))
        return attachment(content, f"{gettext('Public notice')}-{notice.id}-{day}.xlsx",
                          fallback=f"zizhu-notice-{notice.id}-{day}")
