"""Every field a refusal can name has a label: a message never shows a raw key such as fund_account_id."""
import re
from pathlib import Path

from app.labels import COLUMN_LABELS

ROOT = Path(__file__).resolve().parents[1] / "app"
# errors["x"] = …, FieldErrors({"x": …}), errors.setdefault("x", …)
REFUSED = re.compile(r'(?:errors\[|FieldErrors\(\{|errors\.setdefault\()\s*"([a-z_]+)"')


def test_every_field_a_refusal_names_has_a_label():
    fields = {match for path in ROOT.rglob("*.py") for match in REFUSED.findall(path.read_text("utf-8"))}
    assert len(fields) > 20  # the pattern still finds them
    assert sorted(fields - set(COLUMN_LABELS)) == []


def test_a_refused_field_is_named_by_its_label(app):
    from app.errors import FieldErrors

    with app.test_request_context(headers={"Accept-Language": "zh"}):
        text = " ".join(FieldErrors.labelled(field, "x") for field in ("fund_account_id", "term_id"))
    assert "fund_account_id" not in text and "term_id" not in text
