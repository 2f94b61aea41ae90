"""What-if simulation (模拟测算): a standard's version, changed or not, tried on a school year's
applications. Reads only; nothing is written."""
from dataclasses import dataclass
from datetime import date

from app.commands.standard_versions import check_data, load
from app.commands.standards import NoActiveStandard, active_standard, compiled
from app.context import Context
from app.models import School, Tier
from app.queries.simulation import living_amounts, load_pupils
from app.security.scope import Scope, limit
from app.services.simulation import Simulation, simulate
from app.services.standards import parse_standard


@dataclass
class SimulationReport:
    """A simulation with what the page needs to show it."""

    result: Simulation
    school_names: dict  # school id → name
    tiers: list  # Tier rows, highest rank first
    amounts: dict  # (tier code, boarding) → per-term amount
    on: date


def what_if(ctx: Context, standard_id: int, *, school_year_id: int, data: dict | None = None) -> SimulationReport:
    """Simulate a version (or its `data` as changed in the form, unsaved) on a school year, with the
    amounts in force today."""
    session, scope, today = ctx.session, ctx.scope, ctx.today
    row = load(ctx, standard_id)
    if data is not None:
        check_data(session, data, row.version)
        after = parse_standard(data, row.version)
    else:
        after = compiled(row)
    try:
        in_force = compiled(active_standard(session, row.district_id, school_year_id))
    except NoActiveStandard:
        in_force = after
    district_scope = Scope(district_id=row.district_id) if scope.everything else scope
    result = simulate(load_pupils(session, district_scope, school_year_id), after, in_force,
                      amounts := living_amounts(session, today))
    names = dict(limit(session.query(School.id, School.name), School, district_scope).filter(
        School.district_id == row.district_id))
    tiers = session.query(Tier).order_by(Tier.rank.desc()).all()
    return SimulationReport(result, names, tiers, amounts, today)
