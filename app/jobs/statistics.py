"""The list of aided pupils (受助学生名单) of a district, too long to write during a request: written in the
background, streamed from the database into an xlsx in constant memory, under its owner's scope."""
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.jobs.kinds import JobContext, JobResult, job_kind
from app.reports.statistics import audit_export, build, file_name, write_xlsx

KIND = "aided_pupils_list"


@job_kind(KIND, label=_l("List of aided pupils (xlsx)"),
          description=_l("Every pupil entitled to aid in a term, item by item, with the amounts entitled and paid."),
          permission=("can_read", "Student"), icon="fa-file-excel-o", listed=False)
def export_aided_pupils(job: JobContext) -> JobResult:
    """Write the list chunk by chunk, reporting progress after each chunk (its owner reads pupils: the
    page starts it from the reports, which need the reports' permission besides)."""
    params = job.params
    school_id = int(params["school_id"]) if params.get("school_id") else None
    with force_locale(params.get("locale") or "zh"):
        report = build(job.ctx, "aided_pupils", int(params["term_id"]), school_id)
        job.progress(0, report.meta.get("count"))
        path = job.output(".xlsx")
        written = write_xlsx(report, path, tmpdir=job.workdir, progress=job.progress)
        download = f"{file_name(report)[:-len('.xlsx')]}-{job.job_id}.xlsx"
    audit_export(job.ctx, report, "xlsx", written, school_id, job_id=job.job_id)
    return JobResult(file=path, download_name=download, rows=written, summary={"rows": written},
                     progress=(written, written))
