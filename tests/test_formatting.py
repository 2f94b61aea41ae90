"""How names and moments read in each language (app/formatting.py)."""
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from app.formatting import person_name


@pytest.mark.parametrize(("first", "last", "zh", "en"), [
    ("军", "周", "周军", "周军"),  # a Chinese name keeps its family name first, also in English
    ("Limei", "Li", "LiLimei", "Limei Li"),
    ("", "周", "周", "周"),
])
def test_a_persons_name_reads_naturally_in_both_languages(app, first, last, zh, en):
    user = SimpleNamespace(first_name=first, last_name=last)
    with app.test_request_context():
        with force_locale("zh"):
            assert person_name(user) == zh
        with force_locale("en"):
            assert person_name(user) == en
