"""Reading an assessment standard from plain data (JSON), refusing what cannot be scored."""
from decimal import Decimal, InvalidOperation

from app.services.scoring import AT_MOST, CHOICE, FLAG, KINDS, Indicator, InvalidStandard, Standard

FACTS = ("income_ratio", "parents_unable", "family_illness", "single_parent", "sudden_event",
         "siblings_in_school", "rural")


def _number(value, where: str) -> Decimal:
    """A non-negative decimal from a number or a string."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidStandard("number", where) from None
    if not number.is_finite() or number < 0:
        raise InvalidStandard("number", where)
    return number


def _brackets(raw, kind: str, where: str) -> tuple:
    """(bound, points) pairs in the order they are tried: rising bounds for at_most, falling for
    at_least (so the first match is the tightest)."""
    pairs = tuple((_number(b, where), _number(p, where)) for b, p in raw or ())
    if not pairs:
        raise InvalidStandard("brackets.empty", where)
    bounds = [b for b, _ in pairs]
    wanted = sorted(bounds) if kind == AT_MOST else sorted(bounds, reverse=True)
    if bounds != wanted or len(set(bounds)) != len(bounds):
        raise InvalidStandard("brackets.order", where)
    return pairs


def _indicator(raw: dict, caps: dict) -> Indicator:
    """One indicator, checked against the known facts and the blocks."""
    code = str(raw.get("code") or "")
    kind, fact, block = raw.get("kind"), raw.get("fact"), raw.get("block")
    if not code or kind not in KINDS:
        raise InvalidStandard("indicator.kind", code)
    if fact not in FACTS:
        raise InvalidStandard("indicator.fact", code)
    if block not in caps:
        raise InvalidStandard("indicator.block", code)
    if kind == FLAG:
        return Indicator(code, block, kind, fact, points=_number(raw.get("points"), code))
    if kind == CHOICE:
        options = tuple((str(k), _number(v, code)) for k, v in (raw.get("options") or {}).items())
        if not options:
            raise InvalidStandard("options.empty", code)
        return Indicator(code, block, kind, fact, options=options)
    return Indicator(code, block, kind, fact, brackets=_brackets(raw.get("brackets"), kind, code))


def _thresholds(raw, ranks: dict) -> tuple:
    """(tier, lowest total), highest tier first, totals falling."""
    pairs = tuple((str(t), _number(n, "thresholds")) for t, n in raw or ())
    if not pairs or any(t not in ranks for t, _ in pairs):
        raise InvalidStandard("thresholds.tier", "thresholds")
    if [n for _, n in pairs] != sorted((n for _, n in pairs), reverse=True) or \
            [ranks[t] for t, _ in pairs] != sorted((ranks[t] for t, _ in pairs), reverse=True):
        raise InvalidStandard("thresholds.order", "thresholds")
    return pairs


def parse_standard(data: dict, version: int) -> Standard:
    """A Standard from its JSON form (see seed/assessment_standard.json)."""
    ranks = {str(k): int(v) for k, v in (data.get("tier_ranks") or {}).items()}
    caps = {str(k): _number(v, f"blocks.{k}") for k, v in (data.get("blocks") or {}).items()}
    indicators = tuple(_indicator(raw, caps) for raw in data.get("indicators") or ())
    if not indicators:
        raise InvalidStandard("indicators.empty", "indicators")
    lowest = str(data.get("lowest_tier") or "")
    if lowest not in ranks:
        raise InvalidStandard("lowest_tier", "lowest_tier")
    direct = []
    for rule in data.get("direct") or ():
        if rule.get("tier") not in ranks or not rule.get("groups"):
            raise InvalidStandard("direct", "direct")
        direct.append((frozenset(map(str, rule["groups"])), rule["tier"]))
    line = _number((data.get("parameters") or {}).get("dibao_line_per_year"), "dibao_line_per_year")
    if line == 0:
        raise InvalidStandard("number", "dibao_line_per_year")
    return Standard(
        version=version, indicators=indicators, block_caps=tuple(caps.items()),
        total_cap=_number(data.get("total_cap"), "total_cap"),
        thresholds=_thresholds(data.get("thresholds"), ranks), lowest_tier=lowest,
        direct=tuple(direct), tier_ranks=tuple(ranks.items()), dibao_line=line,
    )
