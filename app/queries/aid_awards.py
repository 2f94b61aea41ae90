"""The aid items a pupil of a needy tier is to receive in a term, by the entitlement rules, as names: what a
public notice shows in its aid item column (资助项目).

The same rules as an approval's entitlements (app/commands/entitlements.py, app/services/entitlement_rules.py):
every active item needing identification with a standard in force at the term's start for the pupil's tier
and boarding status, 就高 among items of one exclusivity group. Names only: a notice shows no amount.
"""
from decimal import Decimal

from app.models import AidItem, AidStandard, SchoolLevel, Term
from app.services import entitlement_rules as rules

LEVEL = SchoolLevel.PRIMARY.value  # every school of Zizhu is a primary school
SEPARATOR = ", "
ELLIPSIS = "\u2026"
NAMES_LENGTH = 64  # NoticeEntry.aid_item


def plain_items(items) -> list[rules.Item]:
    """Aid items as the rules read them."""
    return [rules.Item(i.id, i.exclusivity_group, bool(i.needs_identification), bool(i.active)) for i in items]


def plain_standards(session) -> list[rules.Standard]:
    """Every aid standard as plain values (a few per item)."""
    return [rules.Standard(id=s.id, aid_item_id=s.aid_item_id, amount=Decimal(s.amount),
                           effective_from=s.effective_from, effective_to=s.effective_to, tier_id=s.tier_id,
                           boarding=s.boarding, level=s.level.value, unit=s.unit.value)
            for s in session.query(AidStandard)]


class AidAwards:
    """The items and standards of the district's rules, read once, for the pupils of one notice."""

    def __init__(self, session):
        items = session.query(AidItem).order_by(AidItem.id).all()
        self.names = {item.id: item.name for item in items}
        self.items = plain_items(items)
        self.standards = plain_standards(session)

    def item_ids(self, term: Term, *, tier_id: int, boarding: bool) -> list[int]:
        """The ids of the items the pupil is to receive in the term, in item order."""
        kept, _dropped = rules.awards_for(self.items, self.standards, day=term.start_date, tier_id=tier_id,
                                          boarding=bool(boarding), school_days=term.school_days, level=LEVEL)
        return [award.item_id for award in kept]

    def item_names(self, term: Term, *, tier_id: int, boarding: bool) -> str | None:
        """The items' names, comma separated (None when there is none), cut to fit a notice entry."""
        return fit([self.names[i] for i in self.item_ids(term, tier_id=tier_id, boarding=boarding)])


def fit(names: list[str], length: int = NAMES_LENGTH) -> str | None:
    """`names` joined; when too long, the names that fit whole and an ellipsis."""
    text = SEPARATOR.join(names)
    if len(text) <= length:
        return text or None
    shown = []
    for name in names:
        if len(SEPARATOR.join([*shown, name])) + len(SEPARATOR) + 1 > length:
            break
        shown.append(name)
    return SEPARATOR.join([*shown, ELLIPSIS]) if shown else text[:length - 1] + ELLIPSIS
