"""Pupils entitled in the autumn term, for the carry-over page and REST tests: two who carry over to spring
(a boarder, 625.00, and a day pupil, 312.50), one who left school, one whose identification was cancelled,
and a pupil of the other school (approved by the district)."""
from dataclasses import dataclass
from datetime import timedelta

from app.commands import identification
from app.models import ApplicationStatus, Entitlement, Season, StudentStatus, Term, Tier
from tests.context import context
from tests.factories import current_term, make_application, make_student


@dataclass
class Autumn:
    """The terms and the pupils by role."""

    autumn: Term
    spring: Term
    pupils: dict  # boarder, day, moved, cancelled, theirs

    def spring_rows(self, session) -> int:
        """How many entitlements the spring term has."""
        session.expire_all()
        return session.query(Entitlement).filter_by(term_id=self.spring.id).count()


def entitled_in_autumn(session, place, clock) -> Autumn:
    """The pupils, approved for the autumn term a month into it (the clock stays there)."""
    year = current_term(session).school_year
    seasons = {term.season: term for term in year.terms}
    autumn, spring = seasons[Season.AUTUMN], seasons[Season.SPRING]
    clock.set_day(autumn.start_date + timedelta(days=30))
    school = context(session, place.scope, clock=clock)
    district = context(session, place.district_scope, clock=clock)
    tier = session.query(Tier).filter_by(code="relative").one()
    pupils, apps = {}, {}
    for key, name, boarding in (("boarder", "寄宿生", True), ("day", "走读生", False), ("moved", "转学生", False),
                                ("cancelled", "撤销生", False), ("theirs", "邻校生", False)):
        theirs = key == "theirs"
        pupil = make_student(session, school=place.other_school if theirs else place.school,
                             household=place.household, boarding=boarding, name=name)
        app = make_application(session, pupil, term=autumn, status=ApplicationStatus.NOTICE, final_tier_id=tier.id)
        session.commit()
        identification.approve(district if theirs else school, app.id)
        session.commit()
        pupils[key], apps[key] = pupil, app
    pupils["moved"].status = StudentStatus.TRANSFERRED
    session.commit()
    identification.cancel(school, apps["cancelled"].id, reason="提供虚假收入证明", recover_aid=True)
    session.commit()
    return Autumn(autumn, spring, pupils)
