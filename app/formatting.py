"""Locale-aware display of money, dates and enums (zh_CN first)."""
import re
from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_currency
from flask import Flask
from flask_babel import force_locale, get_domain, get_locale, get_translations, gettext

from app.clock import local_time
from app.labels import enum_label
from app.request_cache import per_request

_BABEL_LOCALES = {"zh": "zh_CN", "en": "en_US"}
# a class name as schools write it: 1班 (data, not user text; any other name is shown as it is)
_NUMBERED_CLASS = re.compile(r"^\s*(\d+)\s*班\s*$")


def babel_locale() -> str:
    """The Babel locale for the current request (zh → zh_CN)."""
    loc = str(get_locale() or "zh")
    return _BABEL_LOCALES.get(loc, loc)


def format_money(value) -> str:
    """¥1,250.00 in Chinese, CN¥1,250.00 in English; empty for None."""
    if value is None or value == "":
        return ""
    return format_currency(Decimal(value), "CNY", locale=babel_locale())


def format_bool(value) -> str:
    """是 / 否 (Yes / No); empty for None."""
    if value is None:
        return ""
    return gettext("Yes") if value else gettext("No")


def person_name(user) -> str:
    """A Chinese name as it is written in every language: family name first, no space (李莉美, also
    in English); a name in Latin letters given name first in English (Limei Li)."""
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if babel_locale().startswith("zh") or _has_han(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def _has_han(text: str) -> bool:
    """Whether the text holds a Chinese character (CJK unified ideographs and extension A)."""
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)


def format_class(grade, class_name) -> str:
    """3年级1班 in Chinese, "Grade 3, Class 1" in English; a class with its own name keeps it (Grade 3, 火箭班);
    the grade alone without a class."""
    name = (class_name or "").strip()
    numbered = _NUMBERED_CLASS.match(name)
    if numbered:
        return gettext("Grade %(grade)s, Class %(number)s", grade=grade, number=numbered.group(1))
    if name:
        return gettext("Grade %(grade)s, %(name)s", grade=grade, name=name)
    return gettext("Grade %(n)s", n=grade)


def format_blank(value):
    """Empty instead of 'None' for a missing value; anything else unchanged."""
    return "" if value is None else value


def format_many(values) -> str:
    """A to-many relation as 低保、残疾学生 (Chinese enumeration comma)."""
    return gettext("、").join(str(v) for v in values or ())


def format_date(value) -> str:
    """ISO dates (2026-09-01) read naturally in both languages; moments (aware, or naive UTC) in China
    local time (2026-09-01 08:30)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_time(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _translations():
    """The request's catalogue, looked up once per request (templates call _() hundreds of times)."""
    return per_request("translations", get_translations)


def _template_gettext(string):
    """Jinja's _() and gettext(): same catalogue as Flask-Babel, without its per-call lookup."""
    return _translations().ugettext(string)


def _template_ngettext(singular, plural, n):
    """Jinja's ngettext(), as _template_gettext."""
    return _translations().ungettext(singular, plural, n)


def drop_catalogue_header() -> None:
    """gettext("") is "" again: a catalogue keeps its header (Project-Id-Version…) under the empty
    msgid, and FAB translates empty labels and descriptions (the `_info` of every REST API)."""
    get_translations()  # this request's language, loaded (and cached) if it was not yet
    for translations in list(get_domain().cache.values()):
        getattr(translations, "_catalog", {}).pop("", None)


def _load_catalogues(app: Flask) -> None:
    """Load every language's catalogue once, headers dropped (jobs translate outside requests)."""
    with app.test_request_context():
        for language in app.config.get("LANGUAGES") or ("zh", "en"):
            with force_locale(language):
                drop_catalogue_header()


def init_app(app: Flask) -> None:
    """Register the formatters as Jinja filters and the fast template gettext."""
    _load_catalogues(app)
    app.before_request(drop_catalogue_header)
    app.jinja_env.install_gettext_callables(_template_gettext, _template_ngettext, newstyle=True)
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["enum_label"] = enum_label
    app.jinja_env.filters["yesno"] = format_bool
    app.jinja_env.filters["person_name"] = person_name
    app.jinja_env.globals["format_class"] = format_class
    app.jinja_env.globals["babel_locale"] = babel_locale
