"""The rules of the double-entry ledger, with no database: lines, balance, reversal, splitting.

A line is a signed amount on one book of a fund account (app/models/money.py: budget, unallocated,
allocated, reserved, paid), kept by school, item, term and batch where the book is. An entry's
lines sum to zero; every amount has at most two decimal places and none is zero. Balances are sums
of lines, never typed in.
"""
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class Line(NamedTuple):
    """One line of an entry (`book` is the Book's value)."""

    book: str
    amount: Decimal
    school_id: int | None = None
    aid_item_id: int | None = None
    term_id: int | None = None
    batch_id: int | None = None

    @property
    def key(self) -> tuple:
        """What the line's book is kept by: (book, school, item, term, batch)."""
        return (self.book, self.school_id, self.aid_item_id, self.term_id, self.batch_id)


class Unbalanced(ValueError):
    """An entry whose lines do not sum to zero, or with a zero or sub-cent amount, or fewer than two lines."""


def check(lines: list[Line]) -> None:
    """Refuse an entry that is not a proper double entry (Unbalanced, with the reason)."""
    if len(lines) < 2:
        raise Unbalanced("an entry has at least two lines")
    for line in lines:
        if not isinstance(line.amount, Decimal) or not line.amount.is_finite():
            raise Unbalanced(f"not an exact amount: {line.amount!r}")
        if line.amount == 0:
            raise Unbalanced("a line of zero")
        if line.amount != line.amount.quantize(CENT):
            raise Unbalanced(f"more than two decimal places: {line.amount}")
    total = sum((line.amount for line in lines), ZERO)
    if total != 0:
        raise Unbalanced(f"the lines sum to {total}, not zero")


def move(amount: Decimal, source: Line, target: Line) -> list[Line]:
    """The two lines moving `amount` from the `source` book to the `target` book (their amounts are
    ignored): source −, target +."""
    return [source._replace(amount=-amount), target._replace(amount=amount)]


def reversal(lines: list[Line]) -> list[Line]:
    """The lines that undo `lines`: each amount negated, on the same book."""
    return [line._replace(amount=-line.amount) for line in lines]


def balances(lines: list[Line]) -> dict[tuple, Decimal]:
    """{line key: sum} over `lines`, books that net to zero left out."""
    found: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        found[line.key] += line.amount
    return {key: value for key, value in found.items() if value != 0}


def split(total: Decimal, parts: int) -> list[Decimal]:
    """`total` split into `parts` amounts of whole cents that sum to it exactly, none differing from
    another by more than a cent (largest remainder: the first ones take the spare cents)."""
    if parts < 1:
        raise ValueError("split into at least one part")
    cents = int((total / CENT).to_integral_exact())
    if Decimal(cents) * CENT != total:
        raise ValueError(f"not whole cents: {total}")
    share, spare = divmod(cents, parts)
    return [(Decimal(share + (1 if i < spare else 0)) * CENT).quantize(CENT) for i in range(parts)]
