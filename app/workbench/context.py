"""The workbench context: today in China Standard Time, the current school year and term."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.commands.clock import LOCAL_ZONE
from app.models import SchoolYear, Term
from app.security.scope import Scope
from app.workbench.registry import WorkbenchContext


def local_now() -> datetime:
    """The time in Asia/Shanghai, where every school of a deployment is."""
    return datetime.now(LOCAL_ZONE)


def local_today() -> date:
    """Today in Asia/Shanghai (the day notices, deadlines and approvals are counted in)."""
    return local_now().date()


def current_term(session) -> Term | None:
    """The term marked current (the latest one if several are)."""
    query = select(Term).where(Term.is_current.is_(True)).order_by(Term.start_date.desc()).limit(1)
    return session.scalars(query).first()


def current_school_year(session, term: Term | None) -> SchoolYear | None:
    """The current term's school year, else the school year marked current."""
    if term is not None:
        return term.school_year
    query = select(SchoolYear).where(SchoolYear.is_current.is_(True)).order_by(SchoolYear.start_date.desc())
    return session.scalars(query.limit(1)).first()


def make_context(session, user, scope: Scope, today: date | None = None) -> WorkbenchContext:
    """Everything a to-do provider needs, computed once per page."""
    term = current_term(session)
    return WorkbenchContext(
        session=session, user=user, scope=scope, today=today or local_today(),
        school_year=current_school_year(session, term), term=term,
    )


@dataclass(frozen=True)
class Window:
    """The term's application window as seen today."""

    opens: date | None
    closes: date | None
    state: str  # "unset" | "upcoming" | "open" | "closed"
    days_left: int | None  # open: days until it closes, today included


def application_window(term: Term | None, today: date) -> Window:
    """Where today falls in the term's application window."""
    opens, closes = (term.application_opens, term.application_closes) if term else (None, None)
    if closes is None:
        return Window(opens, closes, "unset", None)
    if opens is not None and today < opens:
        return Window(opens, closes, "upcoming", None)
    if today > closes:
        return Window(opens, closes, "closed", None)
    return Window(opens, closes, "open", (closes - today).days + 1)
