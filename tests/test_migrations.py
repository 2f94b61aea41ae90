"""Migrations: upgrade from empty works and the models and migrations agree."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.clock import SYSTEM
from app.extensions import db
from app.models import Model


def test_models_and_migrations_agree(app):
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, Model.metadata)
    assert diff == [], f"models differ from migrations; run `flask db migrate`: {diff}"


def test_upgrade_from_empty_creates_every_table(app):
    from sqlalchemy import inspect

    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in Model.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_init_is_idempotent(app, session):

    from app.models import AidStandard, SchoolYear, SpecialGroup, Term, Tier
    from app.seeding import init_all

    def counts():
        return [session.query(m).count() for m in (AidStandard, SchoolYear, SpecialGroup, Term, Tier)]

    before = counts()
    roles_before = session.query(app.appbuilder.sm.role_model).count()
    init_all(app.appbuilder, session, SYSTEM.today())
    init_all(app.appbuilder, session, SYSTEM.today())
    assert counts() == before
    assert session.query(app.appbuilder.sm.role_model).count() == roles_before
    assert before[0] >= 5 and before[3] == 2 and before[4] == 4


def test_init_seeds_the_2024_national_living_subsidy(app, session):
    from datetime import date
    from decimal import Decimal

    from app.models import AidItem, AidStandard

    item = session.query(AidItem).filter_by(code="living_subsidy").one()
    current = session.query(AidStandard).filter(
        AidStandard.aid_item_id == item.id, AidStandard.effective_from == date(2024, 3, 1)
    ).all()
    amounts = {s.boarding: s.amount for s in current}
    assert amounts == {True: Decimal("625.00"), False: Decimal("312.50")}


def test_postgresql_vacuums_applications_soon_after_a_district_batch(app):
    """A batch step rewrites a whole status at once: autovacuum runs at 2 % dead rows, not 20 %."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a PostgreSQL storage setting")
        with db.engine.connect() as conn:
            options = conn.exec_driver_sql(
                "SELECT reloptions FROM pg_class WHERE relname = 'application'").scalar_one()
    assert {"autovacuum_vacuum_scale_factor=0.02", "autovacuum_analyze_scale_factor=0.02"} <= set(options)
