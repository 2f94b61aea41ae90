"""Words for a standard's parts: indicators, blocks, answers and the reason each line scored."""
from decimal import Decimal

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

INDICATOR_LABELS = {
    "income_ratio": _l("Per-capita income against the local dibao line"),
    "parents_unable": _l("Parents or guardians unable to work, absent or deceased"),
    "family_illness": _l("Serious illness or disability of a family member"),
    "single_parent": _l("Single-parent family or a parent deceased"),
    "sudden_event": _l("Sudden event in the last 12 months"),
    "siblings_in_school": _l("Other children of the household in school"),
    "rural": _l("Rural registration and residence"),
}
BLOCK_LABELS = {
    "income": _l("Income"), "labour": _l("Labour"), "health": _l("Health"), "family": _l("Family structure"),
    "events": _l("Sudden events"), "burden": _l("Schooling burden"), "area": _l("Registration and residence"),
}
COUNTED = ("parents_unable", "siblings_in_school")  # answers that are a number of people
DECIDED_BY = {"score": _l("Score"), "direct": _l("Direct identification (special group)")}


def indicator_label(code: str, raw: dict | None = None) -> str:
    """The indicator's own name in the standard if the district gave one, else ours, else its code."""
    if raw and raw.get("name"):
        return str(raw["name"])
    label = INDICATOR_LABELS.get(code)
    return str(label) if label is not None else code


def block_label(code: str) -> str:
    """A block's label (its code if the district made up a new block)."""
    label = BLOCK_LABELS.get(code)
    return str(label) if label is not None else code


def answer_text(fact: str, answer) -> str:
    """An answer as a reviewer reads it: yes/no, a count, or the income ratio with ×."""
    if isinstance(answer, bool):
        return gettext("Yes") if answer else gettext("No")
    if fact == "income_ratio":
        return gettext("%(ratio)s × the dibao line", ratio=Decimal(str(answer)).quantize(Decimal("0.01")))
    if fact in COUNTED:
        return gettext("%(n)s persons", n=answer)
    return str(answer)


def reason_text(reason: str) -> str:
    """The sentence for a line's reason code (see app/services/scoring.py score_line)."""
    if reason == "flag.yes":
        return gettext("Applies")
    if reason in ("flag.no", "choice.none", "at_most.none", "at_least.none"):
        return gettext("Does not apply")
    if reason == "choice":
        return gettext("Option chosen")
    kind, _, bound = reason.partition(":")
    if kind == "at_most":
        return gettext("At most %(bound)s", bound=bound)
    if kind == "at_least":
        return gettext("At least %(bound)s", bound=bound)
    return reason
