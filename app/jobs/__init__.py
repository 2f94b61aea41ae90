"""Background jobs: kinds of long work, the queue that carries them, and the runner."""
from app.jobs.kinds import KINDS, JobCancelled, JobContext, JobKind, JobResult, job_kind

__all__ = ["KINDS", "JobCancelled", "JobContext", "JobKind", "JobResult", "job_kind"]
