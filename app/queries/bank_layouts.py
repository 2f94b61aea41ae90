"""The bank file layouts a user's district can use (the shared ones and its own), with the files made in each."""
from dataclasses import dataclass

from sqlalchemy import func, select

from app.models import BankFile, BankFileLayout
from app.security.scope import Scope, criterion


@dataclass(frozen=True)
class LayoutRow:
    """A layout as the list shows it: `own` when it is the district's (editable), `files` made in it
    in the scope."""

    layout: BankFileLayout
    own: bool
    files: int


def layouts(session, scope: Scope) -> list[LayoutRow]:
    """Every layout in the scope, the district's own first, then by code; one query for the counts."""
    where = criterion(BankFileLayout, scope)
    query = session.query(BankFileLayout)
    if where is not None:
        query = query.filter(where)
    rows = query.order_by(BankFileLayout.district_id.is_(None), BankFileLayout.code).all()
    counts = select(BankFile.layout_id, func.count(BankFile.id)).group_by(BankFile.layout_id)
    files_where = criterion(BankFile, scope)
    if files_where is not None:
        counts = counts.where(files_where)
    made = dict(session.execute(counts).all())
    return [LayoutRow(row, row.district_id is not None and row.district_id == scope.district_id,
                      made.get(row.id, 0)) for row in rows]
