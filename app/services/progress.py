"""Progress of the schools with a term's applications: share done, and who lags behind the median."""
from dataclasses import dataclass, replace
from statistics import median

BEHIND_BY = 0.15  # 15 percentage points under the district median is "well behind"


@dataclass(frozen=True)
class SchoolProgress:
    """One school's counts for a term; `gap` and `behind` are set by `rank_schools`."""

    school_id: int | None
    name: str
    district_id: int | None
    pupils: int
    not_submitted: int  # workflow.NOT_SUBMITTED: drafts and applications returned for correction
    in_review: int  # workflow.OPEN: submitted, in class or school review, in public notice
    identified: int  # 已认定: approved, or archived after approval
    not_identified: int  # 不予认定: rejected, or archived after rejection
    gap: float | None = None  # share done minus the district median (negative: behind)
    behind: bool = False

    @property
    def decided(self) -> int:
        """Applications decided either way (workflow.DECIDED)."""
        return self.identified + self.not_identified

    @property
    def applications(self) -> int:
        """Applications that count (cancelled ones do not)."""
        return self.not_submitted + self.in_review + self.decided

    @property
    def share_done(self) -> float | None:
        """Share of the applications the school has submitted (None without applications)."""
        if not self.applications:
            return None
        return (self.in_review + self.decided) / self.applications


@dataclass(frozen=True)
class ProgressTable:
    """Schools most behind first, the totals, and each district's median share done."""

    rows: tuple[SchoolProgress, ...]
    totals: SchoolProgress
    medians: dict

    @property
    def behind(self) -> tuple[SchoolProgress, ...]:
        """The schools well behind their district's median."""
        return tuple(r for r in self.rows if r.behind)


def _medians(rows: list[SchoolProgress]) -> dict:
    """District id → median share done of its schools that have applications."""
    shares: dict = {}
    for row in rows:
        if row.share_done is not None:
            shares.setdefault(row.district_id, []).append(row.share_done)
    return {district: median(values) for district, values in shares.items()}


def _with_gap(row: SchoolProgress, medians: dict) -> SchoolProgress:
    """The row with its distance to the district median and whether that is well behind."""
    middle = medians.get(row.district_id)
    if row.share_done is None or middle is None:
        return row
    gap = row.share_done - middle
    return replace(row, gap=gap, behind=gap <= -BEHIND_BY)


def _order(row: SchoolProgress):
    """Least done first, then most applications still open; schools without applications last."""
    if row.share_done is None:
        return (1, 0.0, 0, row.name)
    return (0, row.share_done, -row.not_submitted, row.name)


def rank_schools(rows: list[SchoolProgress]) -> ProgressTable:
    """Gaps to the median, the order of the table, and the totals row."""
    medians = _medians(rows)
    ranked = sorted((_with_gap(r, medians) for r in rows), key=_order)
    totals = SchoolProgress(
        school_id=None, name="", district_id=None, pupils=sum(r.pupils for r in rows),
        not_submitted=sum(r.not_submitted for r in rows), in_review=sum(r.in_review for r in rows),
        identified=sum(r.identified for r in rows), not_identified=sum(r.not_identified for r in rows),
    )
    return ProgressTable(rows=tuple(ranked), totals=totals, medians=medians)
