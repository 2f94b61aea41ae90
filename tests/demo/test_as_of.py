"""`flask aid seed-demo --as-of`: the demo's timeline, terms and current flags follow the day given."""
from datetime import date

from sqlalchemy import select

from app.clock import SYSTEM
from app.extensions import db
from app.models import Application, ApplicationStatus, PublicNotice, Term
from tests.conftest import clean_database


def test_as_of_a_spring_day_builds_last_year_and_this_spring_term(app):
    with app.app_context():
        db.session.rollback()
        clean_database(SYSTEM.today())
        try:
            result = app.test_cli_runner().invoke(args=[
                "aid", "seed-demo", "--schools", "2", "--pupils", "400", "--password", "Demo-pass-2026!",
                "--as-of", "2026-04-24"])
            assert result.exit_code == 0, result.output
            current = db.session.scalars(select(Term).filter_by(is_current=True)).one()
            assert current.name == "2026年春季学期" and current.school_year.name == "2025-2026"
            last = db.session.scalars(select(Term).filter_by(name="2024年秋季学期")).one()
            assert {a.status for a in db.session.scalars(select(Application).filter_by(term_id=last.id))} == {
                ApplicationStatus.APPROVED, ApplicationStatus.REJECTED}
            ends = [n.ends_on for n in db.session.scalars(select(PublicNotice).filter_by(term_id=current.id))]
            assert min(ends) < date(2026, 4, 24) <= max(ends)  # one has ended, one still runs
            assert "2026年春季学期" in result.output and "2024年秋季学期" in result.output
        finally:
            db.session.rollback()
            clean_database(SYSTEM.today())
