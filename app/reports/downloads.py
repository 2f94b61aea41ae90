"""Every file the system hands out (pages and the API) keeps its Chinese name: Content-Disposition carries the
name as RFC 5987 `filename*=UTF-8''…` and, for old clients, an ASCII `filename` that still says what the file
is (`zizhu-pupil-roster-14.xlsx`), never what is left after dropping the Chinese (`-14.xlsx`, which is what
Werkzeug's send_file makes of `学生名单-14.xlsx`)."""
import mimetypes
import re
import unicodedata
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from flask import send_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = {".xlsx": XLSX, ".csv": "text/csv", ".txt": "text/plain", ".pdf": "application/pdf"}
PREFIX = "zizhu"
_NOT_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_NOT_IN_A_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')  # control characters, quotes and path separators


def clean_name(name: str) -> str:
    """The offered name without control characters, quotes or path separators (kept Chinese)."""
    return _NOT_IN_A_NAME.sub("_", " ".join(name.split())).strip(" .") or PREFIX


def ascii_name(name: str) -> str:
    """An ASCII name for clients that cannot read `filename*`: letters, digits, `.`, `_` and `-` only, starting
    with a letter (`zizhu-…` when what is left of `name` does not), the extension kept."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not ext.isascii() or not ext.isalnum():
        stem, ext = name, ""
    simple = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    simple = re.sub(r"-{2,}", "-", _NOT_SAFE.sub("-", simple)).strip("-._")
    if not simple[:1].isalpha():
        simple = f"{PREFIX}-{simple}" if simple else PREFIX
    return f"{simple}.{ext.lower()}" if ext else simple


def content_disposition(name: str, fallback: str | None = None) -> str:
    """`attachment; filename="<ascii>"; filename*=UTF-8''<name>` (only `filename` for an ASCII name); a
    `fallback` without an extension takes the name's."""
    name = clean_name(name)
    if fallback and not Path(fallback).suffix:
        fallback += Path(name).suffix
    simple = ascii_name(fallback or name)
    if name == simple:
        return f'attachment; filename="{simple}"'
    return f"attachment; filename=\"{simple}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment(body: bytes | Path | str | BinaryIO, name: str | None, *, fallback: str | None = None,
               mimetype: str | None = None):
    """The response handing out `body` (bytes, a file's path or an open binary file, which is closed after
    sending) as the download `name` (Chinese kept); the ASCII `fallback` name says what the file is (derived
    from `name` when not given)."""
    if isinstance(body, bytes):
        body = BytesIO(body)
    name = name or (Path(body).name if isinstance(body, (Path, str)) else PREFIX)
    suffix = Path(name).suffix.lower()
    kind = mimetype or KINDS.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = send_file(body, mimetype=kind, as_attachment=True, download_name=ascii_name(name))
    response.headers["Content-Disposition"] = content_disposition(name, fallback)
    return response
