"""Demo pupils (IDs, 学籍号, grades by age, classes, boarding) and their applications this term."""
from datetime import date, datetime, time, timedelta

from app.clock import LOCAL_ZONE
from app.demo.household import HouseholdFacts, home_code
from app.demo.org import SchoolPlan
from app.demo.rows import DemoRun, student_no
from app.models import Application, ApplicationStatus, Sex, Student, StudentStatus

TABLES = (Student.__table__, Application.__table__)


def draw_grades(run: DemoRun, room: int) -> list[int]:
    """Distinct grades of the 1–3 brothers and sisters a household sends to one school (≤ room)."""
    count = min(run.draw.table("pupils_per_household"), room)
    return sorted(run.draw.rng.sample(range(1, 7), count))


def cohort(year_start: int, grade: int) -> tuple[date, date]:
    """First and last birth date of the pupils in `grade` of the school year starting 1 Sept `year_start`."""
    return date(year_start - 6 - grade, 9, 1), date(year_start - 5 - grade, 8, 31)


def _pupil_name(run: DemoRun, surname: str, male: bool, taken: set) -> str:
    """A first name by sex, different from the brothers' and sisters' names."""
    kind = "pupil_male" if male else "pupil_female"
    name = surname + run.draw.given_name(kind)
    while name in taken:
        name = surname + run.draw.given_name(kind)
    taken.add(name)
    return name


def add_pupils(run: DemoRun, school: SchoolPlan, household: HouseholdFacts, grades: list[int]) -> None:
    """Queue the household's pupils at `school` and, for some needy ones, an application."""
    draw, homes = run.draw, run.data["households"]
    taken: set = set()
    for index, grade in enumerate(grades):
        male = draw.is_male()
        birth = draw.day_between(*cohort(run.year_start, grade))
        id_number = run.ids.make(home_code(run), birth, male)
        share = homes["boarding_share"]["grades_1_2" if grade <= 2 else "grades_3_6"]
        status = StudentStatus(draw.table("pupil_status"))
        student_id = run.keys.take(Student.__table__)
        enrolled_on = date(run.year_start - grade + 1, 9, 1)
        run.writer.add(Student.__table__, {
            "id": student_id, "name": _pupil_name(run, household.surname, male, taken),
            "id_number": id_number,
            "student_no": student_no(id_number, draw.chance(homes["temporary_student_no_share"])),
            "sex": Sex.MALE if male else Sex.FEMALE, "birth_date": birth,
            "ethnicity": household.ethnicity, "school_id": school.id, "district_id": run.district_id,
            "grade": grade,
            "class_name": run.data["texts"]["class_name"].format(n=draw.between(1, school.classes)),
            "boarding": school.has_boarding and draw.chance(share), "status": status,
            "enrolled_on": enrolled_on, "left_on": _left_on(run, student_id, enrolled_on, status),
            "household_id": household.id,
            "disabled": index == 0 and "disabled_student" in household.groups, **run.stamps(),
        })
        if status == StudentStatus.ENROLLED:
            _maybe_apply(run, school, household, student_id)
            if grade >= 2 and run.last_term is not None:
                _maybe_applied_last_year(run, school, household, student_id)


def _left_on(run: DemoRun, student_id: int, enrolled_on: date, status: StudentStatus) -> date | None:
    """A pupil who left did so since last school year began, on a day spread by the pupil's id (no draw,
    so that the rest of the district stays as the seed makes it)."""
    if status == StudentStatus.ENROLLED:
        return None
    since = max(enrolled_on, date(run.year_start - 1, 9, 1))
    return since + timedelta(days=student_id * 7919 % ((run.today - since).days + 1))


def _window(run: DemoRun) -> tuple[date, date]:
    """The days on which this term's applications can have been signed, up to today."""
    term, today = run.term, run.today
    opens = term.application_opens
    first = opens if opens and opens <= today else term.start_date
    closes = term.application_closes
    last = min(today, closes) if closes and closes >= first else today
    return first, max(first, last)


def _reason(run: DemoRun, codes: tuple) -> str:
    """The applicant's own words, from the household's first three reason codes."""
    texts = run.data["texts"]
    parts = [texts["reasons"][code] for code in codes[:3]] or [texts["reasons"]["low_income"]]
    return "，".join(parts) + texts["reason_ending"]


def _share(run: DemoRun, household: HouseholdFacts) -> float:
    """How likely a pupil of the household applies (mostly pupils from poor homes)."""
    shares = run.data["households"]["application_share"]
    return shares["poor"] if household.poor else shares["special" if household.groups else "other"]


def _office_hours(run: DemoRun, day: date) -> datetime:
    """A moment of `day` in office hours, China time."""
    return datetime.combine(day, time(run.draw.between(8, 17), run.draw.between(0, 59)), LOCAL_ZONE)


def _maybe_applied_last_year(run: DemoRun, school: SchoolPlan, household: HouseholdFacts, student_id: int) -> None:
    """Queue last school year's application of a pupil then in the grade below, submitted in the first
    three weeks of last year's autumn window (the demo then takes it through the whole cycle)."""
    draw, term = run.draw, run.last_term
    if not draw.chance(_share(run, household)):
        return
    signed = draw.day_between(term.application_opens, term.application_opens + timedelta(days=18))
    day = signed + timedelta(days=draw.between(0, 2))
    run.applied[term.id] += 1
    run.writer.add(Application.__table__, {
        "id": run.keys.take(Application.__table__), "student_id": student_id, "school_id": school.id,
        "school_year_id": term.school_year_id, "term_id": term.id, "status": ApplicationStatus.SUBMITTED,
        "reason": _reason(run, household.reasons), "is_midyear": False,
        "commitment_signed_on": signed, "consent_signed_on": signed, "submitted_on": _office_hours(run, day),
        **run.stamps(),
    })


def _maybe_apply(run: DemoRun, school: SchoolPlan, household: HouseholdFacts, student_id: int) -> None:
    """Queue a draft or submitted application for a share of the pupils (mostly from poor homes)."""
    draw, homes = run.draw, run.data["households"]
    if not draw.chance(_share(run, household)):
        return
    submitted = draw.chance(homes["submitted_share"])
    first, last = _window(run)
    signed = draw.day_between(first, last) if submitted or draw.chance(0.5) else None
    submitted_on = None
    if submitted:
        submitted_on = _office_hours(run, min(signed + timedelta(days=draw.between(0, 3)), last))
    run.applied[run.term.id] += 1
    run.writer.add(Application.__table__, {
        "id": run.keys.take(Application.__table__), "student_id": student_id, "school_id": school.id,
        "school_year_id": run.term.school_year_id, "term_id": run.term.id,
        "status": ApplicationStatus.SUBMITTED if submitted else ApplicationStatus.DRAFT,
        "reason": _reason(run, household.reasons), "is_midyear": False,
        "commitment_signed_on": signed, "consent_signed_on": signed, "submitted_on": submitted_on,
        **run.stamps(),
    })
