"""Read the cells of an xlsx made by xlsxwriter in tests (shared or inline strings, numbers), without openpyxl."""
import io
import re
import zipfile
from xml.etree import ElementTree

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_REF = re.compile(r"([A-Z]+)(\d+)")


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def parts(data: bytes) -> dict[str, str]:
    """Every XML part of the package by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {name: book.read(name).decode("utf-8") for name in book.namelist() if name.endswith((".xml", ".rels"))}


def cells(data: bytes, sheet: int = 1) -> list[list]:
    """The sheet's rows as lists (None for an empty cell): strings as str, numbers as their XML text."""
    found = parts(data)
    shared = []
    if "xl/sharedStrings.xml" in found:
        root = ElementTree.fromstring(found["xl/sharedStrings.xml"])
        shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in root.findall("m:si", NS)]
    root = ElementTree.fromstring(found[f"xl/worksheets/sheet{sheet}.xml"])
    rows: dict[int, dict[int, object]] = {}
    for c in root.iter(f"{{{NS['m']}}}c"):
        letters, number = _REF.match(c.get("r")).groups()
        kind, value = c.get("t"), None
        if kind == "s":
            value = shared[int(c.find("m:v", NS).text)]
        elif kind == "inlineStr":
            value = "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))
        elif c.find("m:v", NS) is not None:
            value = c.find("m:v", NS).text
        rows.setdefault(int(number), {})[_column(letters)] = value
    last = max(rows) if rows else 0
    width = max((max(r) + 1 for r in rows.values() if r), default=0)
    return [[rows.get(n, {}).get(col) for col in range(width)] for n in range(1, last + 1)]
