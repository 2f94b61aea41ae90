"""The standard and assessment pages read in English without Chinese words (the 低保 line, the 、
separator, glosses in brackets), and in Chinese as before; a refused draft names each part apart."""
import html
import re

import pytest
from flask_babel import force_locale

from app.errors import DomainError, FieldErrors
from app.views.identification.standards import parts_named
from tests.context import context


def _text(client, url: str, language: str) -> str:
    client.get(f"/lang/{language}")
    resp = client.get(url)
    assert resp.status_code == 200, url
    page = re.sub(r"(?s)<script.*?</script>", "", resp.get_data(as_text=True))
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _card(page: str, start: str, end: str) -> str:
    return page[page.index(start):page.index(end, page.index(start))]


def test_the_standard_page_reads_without_chinese_words_in_english(client, login, place):
    login("district")
    en = _text(client, f"/standards/{place.standard.id}", "en")
    assert "Dibao line (minimum living allowance) per person and year (yuan)" in en
    assert "低保 line" not in en and "班级评议" not in en and "Class review" in en
    direct = _card(en, "Direct identification", "All versions")
    assert "孤儿, 事实无人抚养儿童" in direct and "、" not in direct  # group names are data; the comma is English
    zh = _text(client, f"/standards/{place.standard.id}", "zh")
    assert "低保标准（元/人·年）" in zh and "孤儿、事实无人抚养儿童" in zh


def test_the_assessment_page_joins_with_the_languages_separator(client, login, place):
    login("school1")
    en = _text(client, f"/assessment/{place.application.id}", "en")
    assert "Income 35, Labour 20" in en and "孤儿, 事实无人抚养儿童" in en
    zh = _text(client, f"/assessment/{place.application.id}", "zh")
    assert "孤儿、事实无人抚养儿童" in zh


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Total cap: too big; Tier thresholds: out of order"),
    ("zh", "总分上限：too big；等级分数线：out of order"),
])
def test_a_refused_draft_names_each_part_apart(app, session, place, language, expected):
    def refuse(ctx, pk):
        raise FieldErrors({"total_cap": ["too big"], "thresholds": ["out of order"]})

    with app.test_request_context(), force_locale(language):
        with pytest.raises(DomainError) as refused:
            parts_named(refuse)(context(session), place.standard.id)
    assert str(refused.value) == expected
