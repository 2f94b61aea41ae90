"""The zh and en catalogues: complete, Chinese, placeholders intact, FAB's strings covered.

No app needed: the catalogues are read with Babel, and the app's own msgids are extracted from
the sources with translations/babel.cfg, so a new string without a translation fails here.
"""
import importlib.util
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "translations"
ZH_PO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
LETTER = re.compile(r"[A-Za-z]")
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx]|\{[^{}]*\}")
# Characters that exist only in Traditional Chinese (their Simplified forms differ).
TRADITIONAL = set("們個選擇編輯刪錄設確認資記顯權帳號碼尋請儲視圖戶學級費補發證務頁條數據關聯")

# FAB strings that its zh catalogue left untranslated or never had, seen on every page.
FAB_MUST_BE_CHINESE = [
    "Add", "Edit", "Show", "Delete", "Cancel", "OK", "Search", "Add Filter", "Record Count",
    "Actions", "Back", "Save", "Logout", "Login", "Username", "Password", "Sign In", "User info",
    "Reset my password", "Are you sure you want to delete this item?", "Select a State",
    "Select Value", "No records found", "Add a new record", "Edit record", "Show record",
    "Delete record", "User confirmation needed", "Profile", "Page size", "Order by",
    "Contains", "Equal to", "Starts with", "Not a valid choice", "Database Error", "In", "Not In",
    "List Users", "List Roles", "Security", "Invalid login. Please try again.",
]


def _catalog(path):
    with path.open("rb") as fh:
        return read_po(fh)


def _strings(message):
    return message.string if isinstance(message.string, (tuple, list)) else (message.string,)


def _ids(message):
    return message.id if isinstance(message.id, (tuple, list)) else (message.id,)


def _fab_missing():
    spec = importlib.util.spec_from_file_location("fab_missing", TRANSLATIONS / "fab_missing.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _mapping():
    from babel.messages import frontend

    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with (TRANSLATIONS / "babel.cfg").open(encoding="utf-8") as fh:
        return parse(fh)


@pytest.fixture(scope="module")
def zh():
    return _catalog(ZH_PO)


@pytest.fixture(scope="module")
def en():
    return _catalog(EN_PO)


@pytest.fixture(scope="module")
def zh_messages(zh):
    return [m for m in zh if m.id]


def test_every_zh_message_is_translated_into_chinese(zh_messages):
    bad = []
    for m in zh_messages:
        if m.fuzzy or not all(_strings(m)):
            bad.append((m.id, "empty or fuzzy"))
        elif LETTER.search(PLACEHOLDER.sub("", _ids(m)[0])) and not all(CJK.search(s) for s in _strings(m)):
            bad.append((m.id, "no Chinese in msgstr"))
    assert not bad, bad


def test_zh_catalogue_is_not_empty(zh_messages):
    assert len(zh_messages) > 300


def test_placeholders_match_between_msgid_and_msgstr(zh_messages):
    bad = []
    for m in zh_messages:
        expected = sorted(PLACEHOLDER.findall(_ids(m)[0]))
        for s in _strings(m):
            if sorted(PLACEHOLDER.findall(s)) != expected:
                bad.append((m.id, s))
    assert not bad, bad


def test_zh_is_simplified_chinese(zh_messages):
    bad = [(m.id, s) for m in zh_messages for s in _strings(m) if TRADITIONAL & set(s)]
    assert not bad, bad


def test_no_ascii_quotes_added_to_translations(zh_messages):
    """Some msgstr land inside JS string literals ('{{_('…')}}' in FAB's lib.html)."""
    bad = [(m.id, s) for m in zh_messages for s in _strings(m)
           if ("'" in s and "'" not in _ids(m)[0]) or ('"' in s and '"' not in _ids(m)[0])]
    assert not bad, bad


def test_validation_messages_read_after_a_label(zh):
    assert zh.get("has a wrong check character (the last character should be %(expected)s)").string \
        == "校验位错误（最后一位应为 %(expected)s）"
    assert zh.get("already exists").string == "已存在"
    assert zh.get("does not match the ID number (G + the ID number)").string \
        == "与身份证号不一致（应为 G 加身份证号）"
    assert zh.get("must be 18 characters long").string == "应为 18 位"
    assert "出生日期不存在" in zh.get("contains a date of birth that does not exist").string


@pytest.mark.parametrize("msgid, msgstr", [
    ("Pupils", "学生"), ("Households", "家庭"), ("Household members", "家庭成员"),
    ("Applications", "资助申请"), ("Identification", "困难认定"), ("Tiers", "困难等级"),
    ("Special groups", "特殊群体"), ("Aid items", "资助项目"), ("Aid standards", "资助标准"),
    ("Fund accounts", "资金账户"), ("Disbursement batches", "发放批次"), ("Funds", "资金管理"),
    ("Pupils and households", "学生与家庭"), ("System settings", "系统管理"),
    ("Student number", "学籍号"), ("ID number", "身份证号"), ("Guardian", "监护人"),
    ("Boarder", "寄宿生"), ("Household registration", "户口性质"), ("Rural", "农村"),
    ("Father", "父亲"), ("Able to work", "劳动能力"), ("Living subsidy", "生活补助"),
    ("Nutrition programme", "营养改善计划"), ("Public notice", "公示"),
    ("Returned for correction", "退回修改"), ("School assessment", "学校认定"),
    ("Class review", "班级评议"),
])
def test_domain_vocabulary(zh, msgid, msgstr):
    assert zh.get(msgid).string == msgstr


def test_en_catalogue_has_every_zh_msgid_translated(zh_messages, en):
    missing = [m.id for m in zh_messages if en.get(m.id) is None]
    assert not missing, missing
    empty = [m.id for m in en if m.id and (m.fuzzy or not all(_strings(m)))]
    assert not empty, empty


@pytest.mark.parametrize("msgid", FAB_MUST_BE_CHINESE)
def test_fab_strings_seen_untranslated_are_chinese_now(zh, msgid):
    message = zh.get(msgid)
    assert message is not None and not message.fuzzy, msgid
    assert CJK.search(message.string), (msgid, message.string)


def test_every_fab_msgid_is_translated():
    """FAB's templates, Python and catalogue: rerun translations/extract.sh after a FAB upgrade."""
    tool = _fab_missing()
    fab = tool.fab_messages()
    assert len(fab) > 150
    missing = tool.missing_in(tool.read_catalog(ZH_PO), sorted(fab))
    assert not missing, missing


def test_every_app_string_is_in_the_zh_catalogue(zh):
    """Every gettext literal in app/ (babel.cfg) has a Chinese translation; else re-extract."""
    method_map, options_map = _mapping()
    found = {}
    for filename, lineno, msgid, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        key = msgid[0] if isinstance(msgid, (tuple, list)) else msgid
        found.setdefault(key, f"{filename}:{lineno}")
    assert len(found) > 200
    missing = [(msgid, where) for msgid, where in sorted(found.items())
               if zh.get(msgid) is None or zh.get(msgid).fuzzy or not all(_strings(zh.get(msgid)))]
    assert not missing, (
        "untranslated strings; run `sh translations/extract.sh` and translate them: "
        f"{missing}"
    )
