"""The calendar as read by pages, the workbench and jobs: the current term and school year, the terms
to choose from, and where a day falls in a term's application window."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.models import SchoolYear, Term


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


def terms(session) -> list[Term]:
    """Every term, newest first, for a term selector (a handful of rows a year)."""
    return list(session.scalars(select(Term).order_by(Term.start_date.desc())))


def find_term(session, term_id) -> Term | None:
    """A term by id (None for a missing or malformed id)."""
    try:
        return session.get(Term, int(term_id))
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Window:
    """The term's application window as seen on one day."""

    opens: date | None
    closes: date | None
    state: str  # "unset" | "upcoming" | "open" | "closed"
    days_left: int | None  # open: days until it closes, today included


def application_window(term: Term | None, today: date) -> Window:
    """Where `today` (a China day) falls in the term's application window."""
    opens, closes = (term.application_opens, term.application_closes) if term else (None, None)
    if closes is None:
        return Window(opens, closes, "unset", None)
    if opens is not None and today < opens:
        return Window(opens, closes, "upcoming", None)
    if today > closes:
        return Window(opens, closes, "closed", None)
    return Window(opens, closes, "open", (closes - today).days + 1)
