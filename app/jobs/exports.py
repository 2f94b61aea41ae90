"""Export jobs: the pupil roster of the owner's scope as an xlsx file, masked."""
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.formatting import format_bool
from app.jobs.kinds import JobContext, JobResult, job_kind, keyset_chunks
from app.labels import COLUMN_LABELS, enum_label
from app.models import Household, School, Sex, Student, StudentStatus
from app.reports.xlsx import Column, Sheet
from app.security import audit
from app.security.scope import criterion
from app.services.masking import mask_id_number, mask_phone, mask_student_no

ROSTER_LABELS = {"name": _l("Full name")}  # a pupil's name is 姓名, as on the pupil pages
ROSTER_COLUMNS = (
    ("school", 24), ("student_no", 22), ("name", 10), ("sex", 6), ("id_number", 22), ("grade", 6),
    ("class_name", 8), ("boarding", 6), ("status", 8), ("guardian_name", 10), ("phone", 14),
)


def roster_filters(job: JobContext) -> list:
    """The owner's scope and the options chosen on the start form."""
    where = [w for w in (criterion(Student, job.scope),) if w is not None]
    params = job.params
    if params.get("school_id"):
        where.append(Student.school_id == int(params["school_id"]))
    if params.get("grade"):
        where.append(Student.grade == int(params["grade"]))
    if params.get("status"):
        where.append(Student.status == StudentStatus(params["status"]))
    return where


def _labels() -> dict:
    """Translated labels of the coded columns, looked up once per export (not once per cell)."""
    labels = {member: enum_label(member) for member in (*Sex, *StudentStatus)}
    return {**labels, True: format_bool(True), False: format_bool(False)}


def _row(record, labels: dict) -> list:
    """One roster line; ID number, 学籍号 and phone masked as on screen."""
    return [
        record.school_name, mask_student_no(record.student_no), record.name, labels[record.sex],
        mask_id_number(record.id_number), record.grade, record.class_name, labels[record.boarding],
        labels[record.status], record.guardian_name or "",
        mask_phone(record.phone) if record.phone else "",
    ]


def _chunks(job: JobContext, where: list):
    """The matching pupils in id order, `chunk_rows` at a time (keyset: no OFFSET)."""
    query = (
        select(Student.id, School.name.label("school_name"), Student.student_no, Student.name,
               Student.sex, Student.id_number, Student.grade, Student.class_name, Student.boarding,
               Student.status, Household.guardian_name, Household.phone)
        .join(School, School.id == Student.school_id)
        .outerjoin(Household, Household.id == Student.household_id)
        .where(*where)
    )
    return keyset_chunks(job, query, Student.id)


def count(job: JobContext, where: list) -> int:
    """How many pupils the export will hold."""
    return job.session.execute(select(func.count(Student.id)).where(*where)).scalar_one()


@job_kind("pupil_roster", label=_l("Pupil roster (xlsx)"),
          description=_l("Every pupil you can see, one line each, with ID numbers and phone "
                         "numbers masked."),
          permission=("can_read", "Student"), icon="fa-file-excel-o",
          options=("school_id", "grade", "status"))
def export_pupil_roster(job: JobContext) -> JobResult:
    """Write the roster chunk by chunk, reporting progress after each chunk."""
    with force_locale(job.params.get("locale") or "zh"):
        where = roster_filters(job)
        total = count(job, where)
        job.progress(0, total)
        path = job.output(".xlsx")
        title = gettext("Pupil roster")
        sheet = Sheet(path, title, [Column(str(ROSTER_LABELS.get(key) or COLUMN_LABELS.get(key, key)), width)
                                    for key, width in ROSTER_COLUMNS],
                      subtitle=gettext("Job %(id)s · ID numbers and phone numbers are masked",
                                       id=job.job_id), tmpdir=job.workdir)
        done, labels = 0, _labels()
        try:
            for rows in _chunks(job, where):
                for record in rows:
                    sheet.append(_row(record, labels))
                done += len(rows)
                job.progress(done, total)
        finally:
            written = sheet.close()
        download = f"{title}-{job.job_id}.xlsx"
    audit.record(job.ctx, audit.EXPORT, entity="student", detail=f"pupil roster, job {job.job_id}",
                 row_count=written, school_id=job.scope.school_id)
    return JobResult(file=path, download_name=download, rows=written, summary={"rows": written})
