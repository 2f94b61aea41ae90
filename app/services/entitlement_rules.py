"""Entitlements per term as pure rules (动态调整): which aid standard applies, 就高 among exclusive
items, when an entitlement counts as paid, and why a pupil does not carry over to the next term.

No Flask, no session: plain values in, plain values out. Statuses are the models' enum values as
text ("enrolled", "approved", "paid"…); amounts are Decimal, never float. The commands
(app/commands/entitlements.py) read the rows, ask these rules, and write.
"""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.services import workflow

CENT = Decimal("0.01")
PRIMARY = "primary"  # the school level Zizhu serves (SchoolLevel.PRIMARY)
PER_TERM, PER_SCHOOL_DAY = "per_term", "per_school_day"

ENROLLED = "enrolled"
LEAVING = ("transferred", "dropped_out", "graduated")  # a pupil no longer at school

# why an entitlement was stopped, stored as "<code>" or "<code>: <detail>" (Entitlement.stop_reason)
STOP_CANCELLED = "cancelled"  # 取消认定; detail: the reason given
STOP_REASSESSED = "reassessed"  # the application went back for re-assessment; detail: the reason given
STOP_LEFT = "left_school"  # detail: the pupil's new status (transferred, dropped_out, graduated)
STOP_EXCLUSIVE = "exclusive"  # another item of the same exclusivity group pays more (就高)
STOP_REASONS = (STOP_CANCELLED, STOP_REASSESSED, STOP_LEFT, STOP_EXCLUSIVE)
STOP_REASON_LENGTH = 200  # Entitlement.stop_reason

# why an entitlement of one term does not carry over to the next, in the order they are checked:
# first the pupil's (every item alike), then the item's
NEW_SCHOOL_YEAR = "new_school_year"  # a new school year needs a new identification
NOT_ENROLLED = "not_enrolled"  # transferred, dropped out or graduated (detail: which)
CANCELLED = "cancelled"  # the identification was cancelled
REASSESSING = "reassessing"  # the application is being assessed again (no longer approved)
NOT_APPROVED = "not_approved"  # re-assessed and not approved, or returned
NOT_NEEDY = "not_needy"  # the standing decision's tier is not a needy one
STOPPED_BEFORE = "stopped_before"  # the entitlement was stopped in the term before
ALREADY_ENTITLED = "already_entitled"  # the pupil has the item in the new term already
ITEM_INACTIVE = "item_inactive"  # the district switched the item off
NO_STANDARD = "no_standard"  # no standard of the item in force at the new term's start for the pupil
EXCLUSIVE = "exclusive"  # another item of the same group pays more, or is held already (就高)
CARRY_REASONS = (NEW_SCHOOL_YEAR, NOT_ENROLLED, CANCELLED, REASSESSING, NOT_APPROVED, NOT_NEEDY, STOPPED_BEFORE,
                 ALREADY_ENTITLED, ITEM_INACTIVE, NO_STANDARD, EXCLUSIVE)

# a payment line keeps its entitlement from being stopped once it is paid, or once its batch is
# approved (its money reserved) or sent to the bank; a line of a draft or submitted batch does not
PAID_LINE = "paid"
PENDING_LINE = "pending"
COMMITTED_BATCHES = ("approved", "exported", "reconciled")


@dataclass(frozen=True)
class Standard:
    """An aid standard (AidStandard) as plain values: NULL tier = any needy tier, NULL boarding = either."""

    id: int
    aid_item_id: int
    amount: Decimal
    effective_from: date
    effective_to: date | None = None
    tier_id: int | None = None
    boarding: bool | None = None
    level: str = PRIMARY
    unit: str = PER_TERM


@dataclass(frozen=True)
class Item:
    """An aid item (AidItem) as plain values."""

    id: int
    exclusivity_group: str | None = None
    needs_identification: bool = True
    active: bool = True


@dataclass(frozen=True)
class Award:
    """An item a pupil is to receive in a term: its group, its amount for the term, the standard."""

    item_id: int
    amount: Decimal
    group: str | None = None
    standard_id: int | None = None


def in_force(standard: Standard, day: date) -> bool:
    """Whether the standard is in force on `day` (both ends included; no end = still in force)."""
    return standard.effective_from <= day and (standard.effective_to is None or day <= standard.effective_to)


def applies_to(standard: Standard, *, tier_id: int, boarding: bool, level: str = PRIMARY) -> bool:
    """Whether the standard is for this tier (or any needy tier), boarding status (or either) and level."""
    return (standard.level == level and standard.tier_id in (None, tier_id)
            and standard.boarding in (None, bool(boarding)))


def standard_for(standards, *, aid_item_id: int, day: date, tier_id: int, boarding: bool,
                 level: str = PRIMARY) -> Standard | None:
    """The standard of the item in force on `day` for the pupil's tier, boarding status and level, or
    None. When several apply, the most specific wins (a tier of its own before any needy tier, a
    boarding status of its own before either), then the one in force from the latest day."""
    found = [s for s in standards if s.aid_item_id == aid_item_id and in_force(s, day)
             and applies_to(s, tier_id=tier_id, boarding=boarding, level=level)]
    if not found:
        return None
    return max(found, key=lambda s: (s.tier_id is not None, s.boarding is not None, s.effective_from, s.id))


def term_amount(standard: Standard, school_days: int) -> Decimal:
    """The standard's amount for one term: as it is per term, times the term's school days per day."""
    amount = Decimal(standard.amount)
    if standard.unit == PER_SCHOOL_DAY:
        amount *= int(school_days)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def settle(candidates, held=()) -> tuple[list[Award], list[Award]]:
    """就高: (kept, dropped) of the candidate awards. An item held already (paid, or entitled in the
    term already) keeps its exclusivity group: a candidate of another item of that group is dropped,
    one of the held item itself is kept. Of the other candidates sharing a group only the highest
    amount is kept (equal amounts: the lower item id); items without a group are always kept."""
    held_items = {a.item_id for a in held}
    held_groups = {a.group for a in held if a.group}
    best: dict[str, Award] = {}
    for award in candidates:
        if award.group and award.item_id not in held_items and award.group not in held_groups:
            top = best.get(award.group)
            if top is None or (award.amount, -award.item_id) > (top.amount, -top.item_id):
                best[award.group] = award
    kept, dropped = [], []
    for award in candidates:
        wins = (award.item_id in held_items or not award.group
                or (award.group not in held_groups and best.get(award.group) is award))
        (kept if wins else dropped).append(award)
    return kept, dropped


def awards_for(items, standards, *, day: date, tier_id: int, boarding: bool, school_days: int,
               level: str = PRIMARY, held=()) -> tuple[list[Award], list[Award]]:
    """What an identified pupil of a needy tier is entitled to for a term starting on `day`: every
    active item needing identification with a standard in force for the pupil (an item without one
    gives nothing), its amount from that standard, then 就高 (`settle`, with `held`)."""
    candidates = []
    for item in sorted(items, key=lambda i: i.id):
        if not (item.active and item.needs_identification):
            continue
        standard = standard_for(standards, aid_item_id=item.id, day=day, tier_id=tier_id, boarding=boarding,
                                level=level)
        if standard is not None:
            candidates.append(Award(item.id, term_amount(standard, school_days), item.exclusivity_group, standard.id))
    return settle(candidates, held)


def keeps_payment(line_status: str, batch_status: str) -> bool:
    """Whether a payment line makes its entitlement count as paid (never stopped): paid, or pending in a
    batch already approved or sent to the bank."""
    return line_status == PAID_LINE or (line_status == PENDING_LINE and batch_status in COMMITTED_BATCHES)


def current_or_later(term_end: date, today: date) -> bool:
    """Whether a term ending on `term_end` is the current one or a later one on `today`."""
    return term_end >= today


def leaves_school(old_status: str | None, new_status: str) -> bool:
    """Whether a change of a pupil's status from `old_status` to `new_status` takes them out of school."""
    return new_status in LEAVING and new_status != old_status


def stop_reason(code: str, detail: str = "") -> str:
    """The text Entitlement.stop_reason stores: the code, and the detail after a colon (cut to fit)."""
    if code not in STOP_REASONS:
        raise ValueError(f"unknown stop reason {code!r}")
    text = f"{code}: {detail.strip()}" if detail and detail.strip() else code
    return text[:STOP_REASON_LENGTH]


def parse_stop_reason(text: str | None) -> tuple[str | None, str]:
    """(code, detail) of a stored stop reason; (None, text) for a text that is no code of ours."""
    if not text:
        return None, ""
    code, _, detail = text.partition(":")
    if code not in STOP_REASONS:
        return None, text
    return code, detail.strip()


def standing(application_status: str, approved: bool) -> bool:
    """Whether an identification stands: approved, or archived after its approval."""
    return application_status == workflow.APPROVED or (application_status == workflow.ARCHIVED and approved)


def pupil_reason(*, same_school_year: bool, pupil_status: str, application_status: str, approved: bool,
                 needy: bool, stopped: bool = False) -> str | None:
    """Why none of a pupil's entitlements of a term carries over to the next (None: they may, item by
    item). `approved`: the application was approved and not re-opened since (its approval date set);
    `needy`: its final tier is a needy one; `stopped`: the entitlement of the term before was stopped."""
    if not same_school_year:
        return NEW_SCHOOL_YEAR
    if pupil_status != ENROLLED:
        return NOT_ENROLLED
    if application_status == workflow.CANCELLED:
        return CANCELLED
    if application_status in workflow.OPEN:
        return REASSESSING
    if not standing(application_status, approved):
        return NOT_APPROVED
    if not needy:
        return NOT_NEEDY
    if stopped:
        return STOPPED_BEFORE
    return None


def item_reason(*, entitled_already: bool, item_active: bool, has_standard: bool) -> str | None:
    """Why one item of a pupil who may carry over does not (None: it carries, unless 就高 drops it)."""
    if entitled_already:
        return ALREADY_ENTITLED
    if not item_active:
        return ITEM_INACTIVE
    if not has_standard:
        return NO_STANDARD
    return None
