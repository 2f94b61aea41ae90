"""What a what-if simulation reads: the pupils of a school year with their frozen facts, and the
living subsidy per tier.

Applications are read in keyset chunks of their id, only the columns the simulation needs (the
snapshot, the tiers, the pupil's boarding); nothing is written.
"""
import json
from datetime import date

from sqlalchemy import Text, or_, type_coerce

from app.models import (
    AidCategory,
    AidItem,
    AidStandard,
    AmountUnit,
    Application,
    ApplicationStatus,
    SchoolLevel,
    Student,
    Term,
    Tier,
)
from app.security.scope import Scope, limit
from app.services.facts import facts_from_snapshot
from app.services.simulation import Pupil
from app.services.workflow import CONSIDERED

CHUNK = 5000


def living_amounts(session, on: date) -> dict:
    """{(needy tier code, boarding): per-term living subsidy} in force on `on` (primary level).

    A row for the tier wins over a row for any needy tier (tier NULL); a row for the boarding
    status wins over one for either (boarding NULL).
    """
    rows = session.query(AidStandard.tier_id, AidStandard.boarding, AidStandard.amount).join(AidItem).filter(
        AidItem.category == AidCategory.LIVING_SUBSIDY, AidItem.active.is_(True),
        AidStandard.level == SchoolLevel.PRIMARY, AidStandard.unit == AmountUnit.PER_TERM,
        AidStandard.effective_from <= on,
        or_(AidStandard.effective_to.is_(None), AidStandard.effective_to >= on),
    ).all()
    amounts = {}
    for tier_id, code in session.query(Tier.id, Tier.code).filter(Tier.is_needy.is_(True)):
        for boarding in (True, False):
            fits = [(t is not None, b is not None, amount) for t, b, amount in rows
                    if t in (None, tier_id) and b in (None, boarding)]
            if fits:
                amounts[(code, boarding)] = max(fits, key=lambda f: (f[0], f[1]))[2]
    return amounts


def _chunks(session, scope: Scope, school_year_id: int):
    """Rows (id, student, school, term, boarding, final tier, suggested tier, snapshot, status), by id.

    The snapshot is read as text and parsed by the caller only for the pupil's latest application
    (parsing is most of the time of a simulation).
    """
    base = limit(session.query(
        Application.id, Application.student_id, Application.school_id, Application.term_id, Student.boarding,
        Application.final_tier_id, Application.suggested_tier_id, type_coerce(Application.household_snapshot, Text),
        Application.status,
    ).join(Student, Student.id == Application.student_id).filter(
        Application.school_year_id == school_year_id,
        Application.status.in_([ApplicationStatus(v) for v in CONSIDERED]),
        Application.household_snapshot.is_not(None),
    ), Application, scope)
    last = 0
    while True:
        rows = base.filter(Application.id > last).order_by(Application.id).limit(CHUNK).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _snapshot(value) -> dict:
    """A snapshot read as JSON text (SQLite) or already parsed (psycopg2 parses json columns)."""
    return json.loads(value) if isinstance(value, str) else value


def load_pupils(session, scope: Scope, school_year_id: int) -> list[Pupil]:
    """One record per pupil: their latest application of the year (a mid-year one replaces the first)."""
    codes = dict(session.query(Tier.id, Tier.code).all())
    not_needy = session.query(Tier.code).filter(Tier.is_needy.is_(False)).order_by(Tier.rank).limit(1).scalar()
    starts = dict(session.query(Term.id, Term.start_date).all())
    latest = {}
    for rows in _chunks(session, scope, school_year_id):
        for app_id, student_id, school_id, term_id, boarding, final_id, suggested_id, snapshot, status in rows:
            key = (starts[term_id], app_id)
            if student_id in latest and latest[student_id][0] >= key:
                continue
            tier = codes.get(final_id) or codes.get(suggested_id)
            if status is ApplicationStatus.REJECTED:
                tier = not_needy or tier  # not approved: receives nothing today, whatever was decided
            facts = facts_from_snapshot(_snapshot(snapshot))
            latest[student_id] = (key, Pupil(school_id, bool(boarding), facts, tier))
    return [pupil for _, pupil in latest.values()]
