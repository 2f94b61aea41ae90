"""Flask-AppBuilder's msgids in our catalogues: list the missing ones, merge them into the .pot.

FAB ships a zh catalogue that is incomplete (and partly stale), and some of its templates call
gettext with msgids its own .pot never had.  We translate every FAB msgid in *our* catalogue
(translations/zh), which Flask-Babel merges over FAB's, so ours wins.  Because `pybabel update`
drops msgids that are not in the template, the FAB msgids are merged into messages.pot after
extraction (translations/extract.sh does this), so they survive every update.

Run from the project root with the project's virtualenv:

    .venv/bin/python translations/fab_missing.py                # FAB msgids untranslated in zh
    .venv/bin/python translations/fab_missing.py --review       # FAB's zh next to ours, for review
    .venv/bin/python translations/fab_missing.py --untranslated # every untranslated zh msgid
    .venv/bin/python translations/fab_missing.py --merge-pot translations/messages.pot
    .venv/bin/python translations/fab_missing.py --fill-en translations/en/LC_MESSAGES/messages.po

The listing modes exit with status 1 when something is missing.  Rerun after upgrading FAB.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
ZH_PO = ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
EN_PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
WIDTH = 76  # pybabel's default line width, so update and this script format alike

# The names FAB binds to gettext functions (`_` = lazy_gettext, `__` = gettext, …).
FAB_KEYWORDS = {
    "_": None, "__": None, "gettext": None, "lazy_gettext": None,
    "lazy_formatter_gettext": None, "ngettext": (1, 2), "lazy_ngettext": (1, 2),
}
FAB_METHOD_MAP = [("**/templates/**.html", "jinja2"), ("**.py", "python")]

# Visible English that FAB hard-codes without gettext.  Our catalogue translates them too, so a
# project template overriding FAB's can simply wrap them in _().  Keep in step with FAB.
FAB_HARDCODED = {
    "Cancel": ["flask_appbuilder/templates/appbuilder/general/confirm.html"],
    "OK": [
        "flask_appbuilder/templates/appbuilder/general/confirm.html",
        "flask_appbuilder/templates/appbuilder/general/alert.html",
    ],
    "Select a State": [
        "flask_appbuilder/static/appbuilder/js/ab.js",
        "flask_appbuilder/static/appbuilder/js/ab_filters.js",
    ],
    "Select": ["flask_appbuilder/static/appbuilder/js/ab.js"],
    "No row selected": ["flask_appbuilder/static/appbuilder/js/ab_actions.js"],
    "Month": ["flask_appbuilder/templates/appbuilder/general/charts/chart_time.html"],
    "Year": ["flask_appbuilder/templates/appbuilder/general/charts/chart_time.html"],
}
FAB_COMMENT = "Flask-AppBuilder"


def fab_dir() -> Path:
    """The installed flask_appbuilder package."""
    import flask_appbuilder

    return Path(flask_appbuilder.__file__).resolve().parent


def fab_messages() -> dict[str, list[tuple[str, int | None]]]:
    """Every FAB msgid → its locations: FAB's zh catalogue, its templates, its Python, hard-coded."""
    base = fab_dir()
    found: dict[str, list[tuple[str, int | None]]] = {}

    def add(msgid, location):
        if isinstance(msgid, (tuple, list)):
            msgid = msgid[0]  # plural: the singular is the key
        if msgid:
            found.setdefault(msgid, [])
            if location not in found[msgid]:
                found[msgid].append(location)

    for filename, lineno, msgid, _comments, _context in extract_from_dir(
        str(base), FAB_METHOD_MAP, keywords=FAB_KEYWORDS, strip_comment_tags=True
    ):
        add(msgid, (f"flask_appbuilder/{filename}", lineno))
    for msgid, paths in FAB_HARDCODED.items():
        for path in paths:
            add(msgid, (path, None))
    fab_po = base / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
    if fab_po.exists():
        with fab_po.open("rb") as fh:
            for message in read_po(fh):
                if message.id:
                    add(message.id, ("flask_appbuilder/translations/zh/LC_MESSAGES/messages.po", None))
    return found


def fab_zh_catalog() -> Catalog | None:
    """FAB's own zh catalogue, for review."""
    path = fab_dir() / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return None
    with path.open("rb") as fh:
        return read_po(fh)


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh)


def write_catalog(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as fh:
        write_po(fh, catalog, width=WIDTH)


def is_translated(message: Message | None) -> bool:
    """Present, not fuzzy, and every msgstr (all plural forms) non-empty."""
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return all(strings)


def missing_in(catalog: Catalog, msgids) -> list[str]:
    """The msgids of `msgids` that `catalog` lacks or leaves untranslated/fuzzy (obsolete = lacking)."""
    return [m for m in msgids if not is_translated(catalog.get(m))]


def merge_pot(pot_path: Path) -> int:
    """Add FAB's msgids to the template (locations merged); return how many were new."""
    pot = read_catalog(pot_path)
    added = 0
    for msgid, locations in sorted(fab_messages().items()):
        message = pot.get(msgid)
        if message is None:
            pot.add(msgid, locations=locations, auto_comments=[FAB_COMMENT])
            added += 1
        else:
            for loc in locations:
                if loc not in message.locations:
                    message.locations.append(loc)
            if FAB_COMMENT not in message.auto_comments:
                message.auto_comments.append(FAB_COMMENT)
    write_catalog(pot_path, pot)
    return added


def fill_en(po_path: Path) -> int:
    """English: msgstr = msgid wherever it is empty or fuzzy; return how many were filled."""
    catalog = read_catalog(po_path)
    filled = 0
    for message in catalog:
        if not message.id or is_translated(message):
            continue
        if isinstance(message.id, (tuple, list)):
            nplurals = catalog.num_plurals
            message.string = tuple(message.id[min(i, 1)] for i in range(nplurals))
        else:
            message.string = message.id
        message.flags.discard("fuzzy")
        filled += 1
    write_catalog(po_path, catalog)
    return filled


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--catalog", type=Path, default=ZH_PO, help="our zh catalogue (.po)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--merge-pot", type=Path, metavar="POT", help="add FAB msgids to this .pot")
    mode.add_argument("--fill-en", type=Path, metavar="PO", help="copy msgid to empty msgstr")
    mode.add_argument("--review", action="store_true", help="FAB's zh next to ours")
    mode.add_argument("--untranslated", action="store_true", help="every untranslated msgid")
    args = parser.parse_args(argv)

    if args.merge_pot:
        print(f"{args.merge_pot}: {merge_pot(args.merge_pot)} Flask-AppBuilder msgids added")
        return 0
    if args.fill_en:
        print(f"{args.fill_en}: {fill_en(args.fill_en)} msgstr filled with the msgid")
        return 0

    ours = read_catalog(args.catalog)
    if args.untranslated:
        todo = [m.id for m in ours if m.id and not is_translated(m)]
        for msgid in todo:
            print(repr(msgid))
        print(f"{len(todo)} untranslated msgid(s) in {args.catalog}", file=sys.stderr)
        return 1 if todo else 0

    fab = fab_messages()
    if args.review:
        theirs = fab_zh_catalog()
        for msgid in sorted(fab):
            their = theirs.get(msgid) if theirs is not None else None
            our = ours.get(msgid)
            print(f"{msgid!r}\n    FAB:  {their.string if their else '-'!r}"
                  f"{' (fuzzy)' if their and their.fuzzy else ''}\n"
                  f"    ours: {our.string if our else '-'!r}")
        return 0

    todo = missing_in(ours, sorted(fab))
    for msgid in todo:
        where = ", ".join(f"{p}:{n}" if n else p for p, n in fab[msgid][:3])
        print(f"{msgid!r}  ({where})")
    print(f"{len(todo)} of {len(fab)} Flask-AppBuilder msgid(s) untranslated in {args.catalog}",
          file=sys.stderr)
    return 1 if todo else 0


if __name__ == "__main__":
    sys.exit(main())
