"""No Chinese user text is written into a template or a page's Python: it goes through Babel, so English is
complete. A Chinese literal is allowed only as data (a class name's shape, an example of what is typed),
each listed below with why; a msgid holding Chinese must read without it in English."""
import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
PYTHON = [*sorted((APP / "views").rglob("*.py")), *sorted((APP / "workbench").rglob("*.py")),
          APP / "formatting.py", APP / "security" / "names.py", APP / "security" / "pages.py"]
GETTEXT = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext"}
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
JINJA_MSGID = re.compile(r"""\b(?:_|gettext|ngettext)\(\s*(["'])(.*?)(?<!\\)\1""", re.S)

# documented exceptions: (file, literal) — data, never words for the reader
DATA = {
    # class names are stored as schools write them (1班, 3年级2班): their shape, read or completed
    ("app/formatting.py", r"^\s*(\d+)\s*班\s*$"),
    ("app/views/identification/assessment_queue.py", r"^\s*(\d+)\s*年级\s*(\S+?)\s*$"),
    ("app/views/identification/assessment_queue.py", "班"),
    # the bounds of the Han ranges that tell a Chinese name from a Latin one
    *(("app/formatting.py", bound) for bound in ("\u4e00", "\u9fff", "\u3400", "\u4dbf")),
}
# msgids whose English keeps a Chinese example of what is typed (class names are data)
DATA_EXAMPLES = {"e.g. 2班", "Class teachers only, e.g. 3年级1班, 4年级2班; empty for the whole school.",
                 "、"}


def _english():
    with (ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh)


def _docstrings(tree) -> set[int]:
    """ids of the constant nodes that are docstrings."""
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            found.add(id(body[0].value))
    return found


def _python_literals(path: Path):
    """(literal, is a msgid) for every string constant with Chinese in it, docstrings aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    msgids = {id(node.args[0]) for node in ast.walk(tree)
              if isinstance(node, ast.Call) and node.args and getattr(node.func, "id", None) in GETTEXT}
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip \
                and CJK.search(node.value):
            yield node.value, id(node) in msgids


def _template_literals(path: Path):
    """(text, is a msgid) for the Chinese in a template: inside _("…") or written into the page."""
    text = JINJA_COMMENT.sub("", path.read_text(encoding="utf-8"))
    for match in JINJA_MSGID.finditer(text):
        if CJK.search(match.group(2)):
            yield match.group(2), True
    rest = JINJA_MSGID.sub("", text)
    for line in rest.splitlines():
        if CJK.search(line):
            yield line.strip(), False


def _offences(literals, where: str, english) -> list[str]:
    bad = []
    for literal, is_msgid in literals:
        if (where, literal) in DATA:
            continue
        if not is_msgid:
            bad.append(f"{where}: {literal!r} is not translated")
        elif literal not in DATA_EXAMPLES:
            message = english.get(literal)
            if message is None or CJK.search(message.string or literal):
                bad.append(f"{where}: msgid {literal!r} keeps Chinese in English")
    return bad


def test_no_page_writes_chinese_past_babel():
    english = _english()
    bad = []
    for path in PYTHON:
        bad += _offences(_python_literals(path), str(path.relative_to(ROOT)), english)
    for path in sorted((APP / "templates").rglob("*.html")):
        bad += _offences(_template_literals(path), str(path.relative_to(ROOT)), english)
    assert not bad, "\n".join(bad)


def test_the_scan_finds_chinese_written_into_a_page(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('{# 注释 #}<p>{{ _("Points") }} 分</p><p>{{ _("低保 line") }}</p>', encoding="utf-8")
    found = list(_template_literals(page))
    assert ("低保 line", True) in found and any("分" in text and not is_msgid for text, is_msgid in found)
    assert not any("注释" in text for text, _ in found)
    assert _offences(found, "page.html", _english())
