"""Background jobs: what a user started, how far it got, and what came out."""
import enum

from flask_appbuilder import Model
from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String
from sqlalchemy.orm import relationship

from app.models.base import UtcDateTime, str_enum, utcnow


class JobStatus(enum.Enum):
    """Queued → running → succeeded / failed / cancelled; a school's large export of personal data
    may first wait for the district's approval (→ queued, or cancelled)."""

    WAITING_APPROVAL = "waiting_approval"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_STATUSES = (JobStatus.WAITING_APPROVAL, JobStatus.QUEUED, JobStatus.RUNNING)


class Job(Model):
    """One run of a job kind, owned by the user who started it and run under that user's scope.

    The worker writes progress here; the web process only reads it, so a restart of either loses
    nothing. Rows are kept as the record of what was exported or checked (the audit trail holds
    who started them and how they ended).
    """

    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_user_status", "user_id", "status"),
        Index("ix_job_status_heartbeat", "status", "heartbeat_at"),
    )
    id = Column(Integer, primary_key=True)
    kind = Column(String(32), nullable=False)
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    school_id = Column(Integer, ForeignKey("school.id"))  # the owner's school, for the scope rule
    district_id = Column(Integer, ForeignKey("district.id"))
    params = Column(JSON)
    status = Column(str_enum(JobStatus, "job_status"), nullable=False, default=JobStatus.QUEUED)
    rows_total = Column(Integer)
    rows_done = Column(Integer, nullable=False, default=0)
    created_on = Column(UtcDateTime, nullable=False, default=utcnow, index=True)
    started_at = Column(UtcDateTime)
    heartbeat_at = Column(UtcDateTime)
    finished_at = Column(UtcDateTime)
    cancel_requested = Column(Boolean, nullable=False, default=False)
    attempts = Column(Integer, nullable=False, default=0)
    queued_at = Column(UtcDateTime)  # when it last entered the queue (start or requeue)
    worker = Column(String(64))  # host:pid of the worker running it, to requeue after a crash
    result_file = Column(String(255))  # a name inside the jobs folder, never a path from outside
    result_name = Column(String(255))  # the file name offered for download
    result_rows = Column(Integer)
    summary = Column(JSON)  # counts the job reports (rows written, problems found…)
    error_code = Column(String(48))
    error_detail = Column(JSON)
    user = relationship("User", foreign_keys=[user_id])
    school = relationship("School")
    district = relationship("District")

    @property
    def is_active(self) -> bool:
        """Queued or running."""
        return self.status in ACTIVE_STATUSES

    def __repr__(self) -> str:
        return f"{self.kind} #{self.id}"
