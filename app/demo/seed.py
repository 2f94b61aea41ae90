"""`flask aid seed-demo`: a deterministic, realistic demo district written in bulk, with demo accounts."""
from dataclasses import replace
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import text

from app import runner
from app.clock import FixedClock, app_clock, day_start
from app.commands.standards import seed_standard
from app.context import Context, system_context
from app.demo import household as demo_household
from app.demo import identification as demo_identification
from app.demo import money as demo_money
from app.demo import org as demo_org
from app.demo import pupils as demo_pupils
from app.demo.data import Draw, load_demo_data
from app.demo.rows import BulkWriter, DemoRun, IdNumbers, PrimaryKeys, TermInfo, sync_sequences
from app.demo.users import check_roles, create_accounts, format_summary
from app.errors import DomainError
from app.models import AidItem, District, FundAccount, School, Season, SpecialGroup, Term
from app.seeding import make_current, school_year, school_year_bounds

MAX_SCHOOLS = 9999  # the last four digits of the school code
CHUNK_SIZE = 5000
BULK_TABLES = demo_org.TABLES + demo_household.TABLES + demo_pupils.TABLES
KEYED_TABLES = tuple(t for t in BULK_TABLES if "id" in t.c)


def _check_arguments(schools: int, pupils: int, password: str) -> None:
    """Refuse impossible sizes and an empty password."""
    if not 1 <= schools <= MAX_SCHOOLS:
        raise DomainError(_l("The number of schools must be between 1 and %(max)d.", max=MAX_SCHOOLS))
    if pupils < 0:
        raise DomainError(_l("The number of pupils cannot be negative."))
    if not password or not password.strip():
        raise DomainError(_l("A password is required for the demo accounts."))


def _check_database(session, code: str) -> None:
    """The demo goes only into a database without a district."""
    if session.query(District.id).filter(District.code == code).first():
        raise DomainError(_l("A demo district already exists."))
    if session.query(District.id).first():
        raise DomainError(_l("The database already holds a district; the demo needs an empty one."))


def _term_info(term: Term) -> TermInfo:
    """A term as plain values."""
    return TermInfo(term.id, term.school_year_id, term.name, term.start_date,
                    term.application_opens, term.application_closes)


def _calendar(session, today: date) -> tuple[TermInfo, TermInfo]:
    """This term (made current for `today`) and last school year's autumn term; the school years are
    made when missing (`flask aid init` makes only the current one)."""
    first = school_year_bounds(today)[0]
    last_year = school_year(session, first - 1)
    term = make_current(session, today)
    autumn = next(t for t in last_year.terms if t.season is Season.AUTUMN)
    return _term_info(term), _term_info(autumn)


def _lookups(session, data: dict) -> tuple[dict, int]:
    """Ids of the special groups the demo uses and of the living-subsidy aid item."""
    codes = sorted({code for draws in data["households"]["special_group_draws"] for code, _r in draws})
    group_ids = dict(session.query(SpecialGroup.code, SpecialGroup.id).filter(SpecialGroup.code.in_(codes)))
    item_id = session.query(AidItem.id).filter(AidItem.code == "living_subsidy").scalar()
    if len(group_ids) != len(codes) or item_id is None:
        raise DomainError(_l("Special groups or aid items are missing; run `flask aid init` first."))
    return group_ids, item_id


def _start(ctx: Context, seed: int, today: date, data: dict, terms: tuple[TermInfo, TermInfo],
           group_ids: dict) -> DemoRun:
    """The shared state of one run: one seeded generator, keys after the existing rows, one writer."""
    session = ctx.session
    keys = PrimaryKeys(session, KEYED_TABLES)
    places = data["places"]
    return DemoRun(
        draw=Draw(seed, data), data=data, today=today, stamp=ctx.now, keys=keys,
        ids=IdNumbers(places["other_address_codes"]),
        writer=BulkWriter(session, BULK_TABLES, CHUNK_SIZE),
        district_id=keys.take(District.__table__), address_code=places["district"]["address_code"],
        year_start=today.year if today.month >= 9 else today.year - 1, term=terms[0], group_ids=group_ids,
        last_term=terms[1],
    )


def _write_people(run: DemoRun, schools: list[demo_org.SchoolPlan]) -> None:
    """Households and their pupils, school by school, until each school's quota is met."""
    for school in schools:
        room = school.pupils
        while room > 0:
            grades = demo_pupils.draw_grades(run, room)
            household = demo_household.build_household(run, school, grades)
            demo_pupils.add_pupils(run, school, household, grades)
            room -= len(grades)


def refresh_statistics(session) -> None:
    """ANALYZE after a bulk load, so the planner knows a district is not selective but a school is."""
    session.execute(text("ANALYZE"))
    session.commit()


def _standards(ctx: Context, district_id: int, terms: tuple[TermInfo, TermInfo]) -> None:
    """The default standard of last school year and of this one, each seeded (with the official
    holidays of its years) and put in force on the first day of its school year."""
    for term in reversed(terms):
        year_start = date(term.start_date.year if term.start_date.month >= 9 else term.start_date.year - 1, 9, 1)
        at_start = replace(ctx, clock=FixedClock(day_start(year_start)))
        seed_standard(ctx.session, district_id, term.school_year_id, in_force_from=day_start(year_start),
                      ctx=at_start)


def _identification(ctx: Context, run: DemoRun, plans: list, today: date) -> dict:
    """Last year's cycle in every school, this term's work in the first two (app/demo/identification.py)."""
    session, this, last = ctx.session, run.term, run.last_term
    tiers = demo_identification.tier_codes(session)
    ids = [plan.id for plan in plans]
    days = demo_identification.calendar_days(ctx, run.district_id, last.school_year_id)
    counts = demo_identification.complete_last_year(days, ids, last.id, last.application_opens, tiers)
    days = demo_identification.calendar_days(ctx, run.district_id, this.school_year_id)
    counts.update(demo_identification.work_this_term(days, ids[0], this.id, tiers, today))
    if len(ids) > 1:
        demo_identification.work_second_school(days, ids[1], this.id, tiers, today)
    session.flush()
    return counts


def _money(ctx: Context, sm, run: DemoRun, plans: list, item_id: int, today: date) -> None:
    """Last school year's living subsidy paid and this term's under way (app/demo/money.py), each step
    by the demo officer whose step it is."""
    users = {"district": sm.find_user(username="district")}
    for username, index in (("school1", 0), ("school2", 1)):
        if index < len(plans):
            users[plans[index].id] = sm.find_user(username=username)
    counts = demo_money.money_cycle(ctx, run.district_id, item_id, [plan.id for plan in plans], users,
                                    run.last_term.id, run.term.id, today)
    run.writer.counts["disbursement_batch"] = counts["batches"]
    ctx.session.flush()


def _write_district(ctx: Context, appbuilder, data: dict, lookups: tuple, *,
                    schools: int, pupils: int, password: str, seed: int, today: date) -> tuple[DemoRun, list]:
    """Every row of the demo district, last year's and this term's identification work (done by the
    system, each step on its day) and the demo accounts."""
    session, (group_ids, item_id) = ctx.session, lookups
    terms = _calendar(session, today)
    run = _start(ctx, seed, today, data, terms, group_ids)
    run.writer.add(District.__table__, demo_org.district_row(run))
    plans = demo_org.plan_schools(run, schools, pupils)
    for plan in plans:
        run.writer.add(School.__table__, demo_org.school_row(run, plan))
    for row in demo_org.fund_account_rows(run, item_id):
        run.writer.add(FundAccount.__table__, row)
    _write_people(run, plans)
    run.writer.flush()
    sync_sequences(session, KEYED_TABLES)
    _standards(ctx, run.district_id, terms)  # before any scoring
    demo_identification.snapshot_submissions(session, run.district_id)
    _identification(ctx, run, plans, today)
    district = data["places"]["district"]["name"]
    accounts = create_accounts(appbuilder, session, run, district, plans, password)
    _money(ctx, appbuilder.sm, run, plans, item_id, today)
    return run, accounts


def seed_demo(appbuilder, session, *, schools: int, pupils: int, password: str, seed: int,
              today: date) -> str:
    """Write the demo district as of `today` in one transaction (the runner's) and return a summary
    with the demo accounts."""
    _check_arguments(schools, pupils, password)
    data = load_demo_data()
    _check_database(session, data["places"]["district"]["code"])
    check_roles(appbuilder.sm)
    if session.query(Term.id).first() is None:
        raise DomainError(_l("There is no current term; run `flask aid init` first."))
    lookups = _lookups(session, data)
    run, accounts = runner.run(system_context(session, app_clock()), _write_district, appbuilder, data,
                               lookups, schools=schools, pupils=pupils, password=password, seed=seed, today=today)
    refresh_statistics(session)
    terms = [(run.term.name, run.applied[run.term.id]), (run.last_term.name, run.applied[run.last_term.id])]
    return format_summary(data["places"]["district"]["name"], run.writer.counts, terms, accounts)
