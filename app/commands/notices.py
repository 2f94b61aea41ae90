"""Public notices (公示) of identification results and the objections raised against them."""
from app.models import NoticeEntry, NoticeStatus, PublicNotice


def notice_of(session, application_id: int) -> PublicNotice | None:
    """The latest published or withdrawn notice that listed the application (None if never listed)."""
    return session.query(PublicNotice).join(NoticeEntry, NoticeEntry.notice_id == PublicNotice.id).filter(
        NoticeEntry.application_id == application_id, PublicNotice.status != NoticeStatus.DRAFT,
    ).order_by(PublicNotice.id.desc()).first()
