"""A district's own bank file layouts (银行文件格式): copied from one it can use, edited, made its default,
put aside and back.

The layouts offered to every district (district_id None, seeded from seed/bank_layouts.json) are never
edited here: a district copies one and edits the copy. Only the district office changes its layouts. A
layout a bank file was made in keeps its columns, format and rows for good (the bank must never get two
different files for one batch, see bank_files.export_bank_file): a new layout is copied from it instead.
Every change is audited as one "bank_file_layout" event.
"""
import copy
import json
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from app.commands.locking import lock_all, lock_one
from app.context import Context
from app.errors import DomainError, FieldErrors, NotFound, Stale
from app.models import BankFile, BankFileLayout, District, FileFormat
from app.security import audit
from app.security.scope import limit
from app.services import bank_files as rules

ENTITY = "bank_file_layout"
MAX_COLUMNS_TEXT = 20_000  # characters of the columns' JSON: a layout is a few dozen entries
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")

_FIELDS = ", ".join(rules.FIELDS)
_PLACEHOLDERS = ", ".join(f"{{{p}}}" for p in rules.PLACEHOLDERS)
# what layout_of says is wrong with the columns, as the officer reads it (`d`: the entry it names)
PROBLEMS = {
    "bad_columns": lambda d: _l("must be a list of entries in square brackets [ … ]"),
    "bad_entry": lambda d: _l("entry %(entry)s is neither a file column ({field, title}) nor a title, total or "
                              "answer part", entry=d),
    "unknown_field": lambda d: _l("the field “%(field)s” is unknown; the fields are: %(fields)s", field=d,
                                  fields=_FIELDS),
    "bad_title": lambda d: _l("the column of the field %(field)s needs a title", field=d),
    "bad_width": lambda d: _l("the width of the column %(field)s must be a whole number from 1 to 100", field=d),
    "bad_words": lambda d: _l("the answer's “%(key)s” must be a list of words", key=d),
    "bad_text": lambda d: _l("the text of the %(part)s part must be text", part=d),
    "unknown_placeholder": lambda d: _l("unknown placeholder in %(where)s; the placeholders are: %(names)s",
                                        where=d, names=_PLACEHOLDERS),
    "missing_column": lambda d: _l("needs a column of the field %(field)s (the file is totalled by the amount and "
                                   "the bank's answer is matched by the reference)", field=d),
    "repeated_column": lambda d: _l("a field has two columns; give each field one column"),
    "bad_total": lambda d: _l("the total row needs a list of cells, no more cells than the file has columns"),
}


class LayoutRefused(DomainError):
    """The change is not allowed for this layout or this user."""


def _problem(err: rules.LayoutError):
    """The translated sentence of a LayoutError."""
    message = PROBLEMS.get(err.code)
    if message is None:
        return _l("cannot be used (%(problem)s)", problem=str(err))
    return message(err.detail)


def load(ctx: Context, layout_id: int, *, lock: bool = False) -> BankFileLayout:
    """The layout if the user may use it (shared or their district's), else NotFound; `lock` before a change."""
    query = limit(ctx.session.query(BankFileLayout), BankFileLayout, ctx.scope).filter(
        BankFileLayout.id == layout_id)
    row = lock_one(ctx.session, query, BankFileLayout, layout_id) if lock else query.one_or_none()
    if row is None:
        raise NotFound(_l("No such bank file layout, or it is not offered to your district."))
    return row


def _district(ctx: Context) -> int:
    """The user's district, when they work for the district office (not a school); else refused."""
    scope = ctx.scope
    if scope.everything or scope.school_id is not None or scope.district_id is None:
        raise LayoutRefused(_l("Only the district office manages its bank file layouts."))
    return scope.district_id


def _own(ctx: Context, layout_id: int) -> BankFileLayout:
    """One of the district's own layouts, locked; a shared one is refused (it is copied, never edited)."""
    district_id = _district(ctx)
    row = load(ctx, layout_id, lock=True)
    if row.district_id != district_id:
        raise LayoutRefused(_l("The layout %(name)s is offered to every district and is not edited; copy it to "
                               "make a layout of your own.", name=row.name))
    return row


def files_made(session, layout_id: int) -> int:
    """How many bank files were made in a layout (any batch)."""
    return session.query(func.count(BankFile.id)).filter(BankFile.layout_id == layout_id).scalar()


def _summary(row: BankFileLayout) -> dict:
    """The audited values of a layout."""
    return {"code": row.code, "name": row.name, "file_format": row.file_format, "title_row": row.title_row,
            "total_row": row.total_row, "is_default": row.is_default, "active": row.active, "notes": row.notes,
            "columns": row.columns}


def _record(ctx: Context, action: str, row: BankFileLayout, detail: str, old: dict | None = None) -> None:
    audit.record(ctx, action, entity=ENTITY, entity_id=row.id, detail=f"{row.code}: {detail}", old=old,
                 new=_summary(row))


def _free_code(session, district_id: int, source: str) -> str:
    """A code no layout has: d<district>_<source code>, numbered when taken."""
    base = f"d{district_id}_{source}"[:26]
    taken = {c for (c,) in session.query(BankFileLayout.code).filter(BankFileLayout.code.like(f"{base}%"))}
    return next(code for code in (base if n == 1 else f"{base}_{n}" for n in range(1, 10_000)) if code not in taken)


def _checked_name(name, errors: dict, *, length: int = 100) -> str:
    text = (name or "").strip()
    if not text:
        errors["name"] = [_l("is required")]
    elif len(text) > length:
        errors["name"] = [_l("must be at most %(n)s characters", n=length)]
    return text


def copy_layout(ctx: Context, layout_id: int, *, code: str | None = None, name: str | None = None) -> BankFileLayout:
    """A new layout of the user's district with the columns, format and rows of one they can use (not
    the default, active); `code` empty: one is made from the source's."""
    district_id = _district(ctx)
    source = load(ctx, layout_id)
    errors: dict = {}
    code = (code or "").strip() or _free_code(ctx.session, district_id, source.code)
    if not _CODE.match(code):
        errors["code"] = [_l("use 1 to 32 letters, digits, - or _")]
    elif ctx.session.query(BankFileLayout.id).filter(BankFileLayout.code == code).first() is not None:
        errors["code"] = [_l("another layout has this code already")]
    name = _checked_name(name or source.name, errors)
    if errors:
        raise FieldErrors(errors)
    row = BankFileLayout(code=code, name=name, district_id=district_id, file_format=source.file_format,
                         columns=copy.deepcopy(source.columns), title_row=source.title_row,
                         total_row=source.total_row, is_default=False, active=True, notes=source.notes)
    try:
        with audit.paused(ctx.session), ctx.session.begin_nested():
            ctx.session.add(row)
            ctx.session.flush()
    except IntegrityError:  # the same code taken a moment ago
        raise FieldErrors({"code": [_l("another layout has this code already")]}) from None
    _record(ctx, audit.CREATE, row, f"copied from {source.code}")
    return row


def _columns_of(columns, errors: dict):
    """The columns as data: a list given, or JSON text parsed; a refusal recorded in `errors`."""
    if not isinstance(columns, str):
        return columns
    if len(columns) > MAX_COLUMNS_TEXT:
        errors["columns"] = [_l("must be at most %(n)s characters", n=MAX_COLUMNS_TEXT)]
        return None
    try:
        return json.loads(columns)
    except ValueError as err:
        errors["columns"] = [_l("is not valid JSON (line %(line)s, column %(column)s: %(problem)s)",
                                line=getattr(err, "lineno", "?"), column=getattr(err, "colno", "?"),
                                problem=getattr(err, "msg", str(err)))]
        return None


def check_layout(code: str, file_format, columns, *, title_row: bool, total_row: bool, name=None,
                 notes=None) -> tuple[FileFormat, list, str, str | None]:
    """(format, columns, name, notes) checked as a bank file is made from them; FieldErrors naming each
    refused field otherwise."""
    errors: dict = {}
    fmt = next((f for f in FileFormat if f.value == str(getattr(file_format, "value", file_format))), None)
    if fmt is None:
        errors["file_format"] = [_l("choose Excel or CSV in GBK")]
    data = _columns_of(columns, errors)
    if "columns" not in errors and fmt is not None:
        try:
            rules.layout_of(code, fmt.value, data, title_row=bool(title_row), total_row=bool(total_row))
        except rules.LayoutError as err:
            errors["columns"] = [_problem(err)]
        except (AttributeError, TypeError):  # an entry of the wrong shape deep inside
            errors["columns"] = [PROBLEMS["bad_columns"]("")]
    name = _checked_name(name, errors)
    notes = (notes or "").strip() or None
    if notes is not None and len(notes) > 200:
        errors["notes"] = [_l("must be at most %(n)s characters", n=200)]
    if errors:
        raise FieldErrors(errors)
    return fmt, data, name, notes


def save_layout(ctx: Context, layout_id: int, *, name: str, file_format, columns, title_row: bool,
                total_row: bool, notes: str | None = None, version: int | None = None) -> BankFileLayout:
    """The district's layout changed as given, checked as a bank file would read it. Once a bank file was
    made in it, only its name and notes change."""
    row = _own(ctx, layout_id)
    if version is not None and row.version != version:
        raise Stale()
    fmt, data, name, notes = check_layout(row.code, file_format, columns, title_row=title_row,
                                          total_row=total_row, name=name, notes=notes)
    shape = (fmt, data, bool(title_row), bool(total_row))
    if shape != (row.file_format, row.columns, row.title_row, row.total_row) and files_made(ctx.session, row.id):
        raise LayoutRefused(_l("Bank files were made in the layout %(name)s: its columns, format and rows no "
                               "longer change (the bank must never get two different files for one batch). "
                               "Copy it and change the copy.", name=row.name))
    before = _summary(row)
    with audit.paused(ctx.session):
        row.name, row.notes = name, notes
        row.file_format, row.columns, row.title_row, row.total_row = shape
        ctx.session.flush()
    _record(ctx, audit.UPDATE, row, "saved", old=before)
    return row


def set_default(ctx: Context, layout_id: int) -> BankFileLayout:
    """The district's bank files are made in this layout unless another is chosen: the flag is taken
    off its other layouts in the same transaction (the district locked first: one default at a time, and
    two officers choosing at once wait for each other in the same order)."""
    session, district_id = ctx.session, _district(ctx)
    lock_one(session, session.query(District.id).filter(District.id == district_id), District, district_id)
    row = _own(ctx, layout_id)
    if not row.active:
        raise LayoutRefused(_l("The layout %(name)s is not in use; use it again first.", name=row.name))
    others = lock_all(session, session.query(BankFileLayout).filter(
        BankFileLayout.district_id == row.district_id, BankFileLayout.is_default.is_(True),
        BankFileLayout.id != row.id), BankFileLayout)
    with audit.paused(session):
        for other in others:
            other.is_default = False
        row.is_default = True
        session.flush()
    _record(ctx, audit.UPDATE, row, "made the district's default",
            old={"default_before": [o.code for o in others]})
    return row


def set_active(ctx: Context, layout_id: int, active: bool) -> BankFileLayout:
    """Put a layout aside (no longer offered; the district's default falls back to the shared one) or use
    it again. Files made in it stay."""
    row = _own(ctx, layout_id)
    before = _summary(row)
    with audit.paused(ctx.session):
        row.active = bool(active)
        if not active:
            row.is_default = False
        ctx.session.flush()
    _record(ctx, audit.UPDATE, row, "in use" if active else "put aside", old=before)
    return row


def deactivate(ctx: Context, layout_id: int) -> BankFileLayout:
    """No longer offered for bank files (nor as the default)."""
    return set_active(ctx, layout_id, False)


def activate(ctx: Context, layout_id: int) -> BankFileLayout:
    """Offered for bank files again."""
    return set_active(ctx, layout_id, True)
