"""The data check job: every pupil record in the owner's scope checked, problems listed in xlsx."""

from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.jobs.kinds import JobContext, JobResult, job_kind, keyset_chunks
from app.labels import COLUMN_LABELS
from app.messages import reason_message
from app.models import School, Student, StudentStatus
from app.reports.xlsx import Column, Sheet
from app.security.scope import criterion
from app.services.masking import mask_student_no
from app.services.pupil_checks import PupilFacts, check_pupil

PROBLEMS = {
    "student_no.temporary": _l("Temporary student number (L…): replace it with the permanent one"),
    "household.missing": _l("No household recorded for an enrolled pupil"),
    "grade.age": _l("Age does not fit the grade; check the date of birth and the grade"),
}


def problem_text(code: str) -> str:
    """A sentence for a problem code: the checks' own, or a field rule's message with its label."""
    if code in PROBLEMS:
        return str(PROBLEMS[code])
    field, _, reason = code.partition(".")
    return gettext("%(label)s: %(message)s", label=COLUMN_LABELS.get(field, field),
                   message=reason_message(reason))


def _chunks(job: JobContext, where: list):
    """Pupils in id order, `chunk_rows` at a time."""
    query = (
        select(Student.id, School.name.label("school_name"), Student.grade, Student.class_name,
               Student.name, Student.id_number, Student.student_no, Student.birth_date,
               Student.status, Student.household_id)
        .join(School, School.id == Student.school_id)
        .where(*where)
    )
    return keyset_chunks(job, query, Student.id)


def _columns() -> list[Column]:
    """Where the problem is (school, grade, class, pupil) and what it is."""
    keys = (("school", 24), ("grade", 6), ("class_name", 8), ("name", 10), ("student_no", 22))
    return [Column(str(COLUMN_LABELS[key]), width) for key, width in keys] + [
        Column(gettext("Problem"), 50)]


def _facts(record) -> PupilFacts:
    """The checked facts of one row."""
    return PupilFacts(id_number=record.id_number, student_no=record.student_no,
                      birth_date=record.birth_date, grade=record.grade,
                      enrolled=record.status == StudentStatus.ENROLLED,
                      has_household=record.household_id is not None)


@job_kind("pupil_check", label=_l("Pupil data check"),
          description=_l("Checks the record of every enrolled pupil you can see (ID number, student "
                         "number, household, age and grade) and lists what to fix."),
          permission=("can_read", "Student"), icon="fa-stethoscope")
def check_pupil_records(job: JobContext) -> JobResult:
    """Check all pupils in the scope; one xlsx line per problem found."""
    today = job.ctx.today
    # former pupils (transferred, graduated…) are no longer the school's to correct
    where = [w for w in (criterion(Student, job.scope),) if w is not None]
    where.append(Student.status == StudentStatus.ENROLLED)
    with force_locale(job.params.get("locale") or "zh"):
        total = job.session.execute(select(func.count(Student.id)).where(*where)).scalar_one()
        job.progress(0, total)
        path = job.output(".xlsx")
        title = gettext("Pupil data check")
        sheet = Sheet(path, title, _columns(),
                      subtitle=gettext("Job %(id)s · checked on %(day)s", id=job.job_id, day=today), tmpdir=job.workdir)
        done, pupils_with_problems = 0, 0
        try:
            for rows in _chunks(job, where):
                for record in rows:
                    codes = check_pupil(_facts(record), today)
                    pupils_with_problems += bool(codes)
                    for code in codes:
                        sheet.append([record.school_name, record.grade, record.class_name, record.name,
                                      mask_student_no(record.student_no), problem_text(code)])
                done += len(rows)
                job.progress(done, total)
        finally:
            problems = sheet.close()
        download = f"{title}-{job.job_id}.xlsx"
    return JobResult(file=path, download_name=download, rows=problems,
                     summary={"checked": done, "pupils": pupils_with_problems, "problems": problems})
