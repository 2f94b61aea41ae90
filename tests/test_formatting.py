"""How names and moments read in each language (app/formatting.py)."""
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from app.formatting import format_class, format_many, person_name


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


@pytest.mark.parametrize(("grade", "class_name", "zh", "en"), [
    (3, "1班", "3年级1班", "Grade 3, Class 1"),
    (3, " 12 班 ", "3年级12班", "Grade 3, Class 12"),
    (5, "火箭班", "5年级火箭班", "Grade 5, 火箭班"),  # a class's own name is data, shown as it is
    (2, "", "2 年级", "Grade 2"),
])
def test_a_class_reads_naturally_in_both_languages(app, grade, class_name, zh, en):
    with app.test_request_context():
        with force_locale("zh"):
            assert format_class(grade, class_name) == zh
        with force_locale("en"):
            assert format_class(grade, class_name) == en


def test_a_list_is_joined_with_the_languages_separator(app):
    with app.test_request_context():
        with force_locale("zh"):
            assert format_many(["低保", "残疾学生"]) == "低保、残疾学生"
        with force_locale("en"):
            assert format_many(["低保", "残疾学生"]) == "低保, 残疾学生"
