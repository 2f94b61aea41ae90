"""A carry-over preview summed up: the lines left out per reason (how many, of how many pupils, worth how
much in the term before), for the carry-over page and its REST answer. Plain values in and out."""
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ReasonTotal:
    """The lines left out for one reason (and detail: a pupil's status), in the order they came."""

    reason: str
    detail: str
    lines: tuple

    @property
    def count(self) -> int:
        """How many lines (a pupil's item each)."""
        return len(self.lines)

    @property
    def pupils(self) -> int:
        """How many pupils the lines are of."""
        return len({line.student_id for line in self.lines})

    @property
    def amount(self) -> Decimal:
        """What the lines were worth in the term before."""
        return sum((line.previous_amount for line in self.lines), Decimal("0.00"))


def reason_totals(lines) -> list[ReasonTotal]:
    """The lines not carried over (`reason` set), grouped by reason and detail, in first-seen order."""
    found: dict[tuple, list] = {}
    for line in lines:
        if line.reason is not None:
            found.setdefault((line.reason, line.detail), []).append(line)
    return [ReasonTotal(reason, detail, tuple(group)) for (reason, detail), group in found.items()]
