"""The forbidden-practice checks of a school year, as read: equal sharing and taking turns, per school.

Tier counts are aggregated in SQL; for taking turns only the households whose needy pupils changed
between the previous and this school year have their snapshots read (facts compared in Python).
"""
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func

from app.models import Application, ApplicationStatus, School, SchoolYear, Student, Term, Tier
from app.security.scope import Scope, limit
from app.services.facts import facts_from_snapshot
from app.services.practices import Decision, SchoolDecisions, Warning, equal_sharing, taking_turns
from app.services.workflow import NOT_STANDING

CHUNK = 500


@dataclass
class SchoolCheck:
    """One school's warnings."""

    school_id: int
    name: str
    warnings: list = field(default_factory=list)


@dataclass
class PracticeReport:
    """The warnings of a school year, per school (schools with a warning only)."""

    school_year: SchoolYear
    previous_year: SchoolYear | None
    schools: list  # SchoolCheck, by name
    checked: int  # schools with decided applications
    tier_names: dict  # tier code → name


def _decided(session, scope: Scope, school_year_id: int):
    """The scope's standing decided applications of a year (a query to add columns to): a decision
    counts while it stands, not cancelled nor sent back to be filled in again."""
    return limit(session.query(Application), Application, scope).filter(
        Application.school_year_id == school_year_id, Application.final_tier_id.is_not(None),
        Application.status.not_in([ApplicationStatus(v) for v in NOT_STANDING]))


def school_decisions(session, scope: Scope, school_year_id: int) -> dict[int, list[SchoolDecisions]]:
    """{district id: [SchoolDecisions]}: decided applications per school and tier, counted in SQL."""
    # School is not joined: the scope's correlated EXISTS on School must keep its own FROM
    rows = _decided(session, scope, school_year_id).join(Tier, Tier.id == Application.final_tier_id).with_entities(
        Application.school_id, Tier.code, Tier.is_needy, func.count(Application.id),
    ).group_by(Application.school_id, Tier.code, Tier.is_needy).all()
    needy, not_needy = defaultdict(dict), defaultdict(int)
    for school_id, code, is_needy, count in rows:
        if is_needy:
            needy[school_id][code] = count
        else:
            not_needy[school_id] += count
    schools = set(needy) | set(not_needy)
    district_of = dict(session.query(School.id, School.district_id).filter(School.id.in_(schools)).all()) \
        if schools else {}
    found = defaultdict(list)
    for school_id, district_id in sorted(district_of.items()):
        found[district_id].append(SchoolDecisions(school_id, needy.get(school_id, {}), not_needy[school_id]))
    return found


def previous_year(session, year: SchoolYear) -> SchoolYear | None:
    """The school year just before `year`."""
    return session.query(SchoolYear).filter(SchoolYear.start_date < year.start_date).order_by(
        SchoolYear.start_date.desc()).first()


def _outcomes(session, scope: Scope, years: list[SchoolYear]) -> dict:
    """{household: {student: {year index: (application id, needy)}}}, the latest term's decision."""
    found = defaultdict(lambda: defaultdict(dict))
    for index, year in enumerate(years):
        rows = _decided(session, scope, year.id).join(Student, Student.id == Application.student_id).join(
            Tier, Tier.id == Application.final_tier_id).join(Term, Term.id == Application.term_id).filter(
            Student.household_id.is_not(None)).with_entities(
            Student.household_id, Application.student_id, Application.id, Tier.is_needy,
        ).order_by(Term.start_date, Application.id).all()
        for household_id, student_id, app_id, needy in rows:
            found[household_id][student_id][index] = (app_id, bool(needy))
    return found


def _candidates(outcomes: dict) -> list[int]:
    """Application ids of households whose needy pupils differ between the two years."""
    ids = []
    for pupils in outcomes.values():
        needy = [{s for s, years in pupils.items() if years.get(i, (0, False))[1]} for i in (0, 1)]
        present = [any(i in years for years in pupils.values()) for i in (0, 1)]
        if all(present) and needy[0] != needy[1]:
            ids.extend(app_id for years in pupils.values() for app_id, _ in years.values())
    return ids


def decisions(session, app_ids: list[int], years: list[SchoolYear], households: dict) -> list[Decision]:
    """Decision records (with facts from the snapshots) of the given applications, read in chunks."""
    index = {year.id: i for i, year in enumerate(years)}
    found = []
    for start in range(0, len(app_ids), CHUNK):
        rows = session.query(Application.id, Application.school_id, Application.student_id, Student.name,
                             Application.school_year_id, Tier.code, Tier.is_needy,
                             Application.household_snapshot).join(Student, Student.id == Application.student_id).join(
            Tier, Tier.id == Application.final_tier_id).filter(Application.id.in_(app_ids[start:start + CHUNK])).all()
        for app_id, school_id, student_id, name, year_id, code, needy, snapshot in rows:
            if snapshot is None:
                continue
            found.append(Decision(school_id, households[app_id], student_id, name, index[year_id],
                                  years[index[year_id]].name, code, bool(needy), facts_from_snapshot(snapshot)))
    return found


def turn_warnings(session, scope: Scope, year: SchoolYear, before: SchoolYear | None) -> list[Warning]:
    """Taking-turns warnings between the previous school year and `year`."""
    if before is None:
        return []
    years = [before, year]
    outcomes = _outcomes(session, scope, years)
    households = {app_id: h for h, pupils in outcomes.items() for ys in pupils.values() for app_id, _ in ys.values()}
    return taking_turns(decisions(session, _candidates(outcomes), years, households))


def check(session, scope: Scope, school_year_id: int) -> PracticeReport:
    """Every warning of the scope's schools for a school year."""
    year = session.get(SchoolYear, school_year_id)
    before = previous_year(session, year)
    per_district = school_decisions(session, scope, year.id)
    warnings = [w for schools in per_district.values() for w in equal_sharing(schools)]
    warnings += turn_warnings(session, scope, year, before)
    names = dict(limit(session.query(School.id, School.name), School, scope).all())
    by_school = {}
    for warning in warnings:
        by_school.setdefault(warning.school_id, SchoolCheck(warning.school_id, names.get(warning.school_id, "")))
        by_school[warning.school_id].warnings.append(warning)
    return PracticeReport(year, before, sorted(by_school.values(), key=lambda s: s.name),
                          sum(len(s) for s in per_district.values()),
                          dict(session.query(Tier.code, Tier.name).all()))
