"""Request limits: body sizes by content type (413), ids no row can have (404), unreadable rison `q` (400)."""
import json

import prison
from flask import Flask, abort, current_app, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from app.security.text_guard import unstorable

MAX_ID = 2**31 - 1  # ids are Integer columns: a larger one names no row (and overflows SQLite past 2^63)
MAX_BIGINT = 2**63 - 1
PAGING_ARGS = ("page_", "psize_")  # FAB list paging: answered with an empty page, not refused
PAGING_KEYS = ("page", "page_size")  # the same in an API's `q`
UPLOAD_TYPES = ("multipart/form-data",)
TOO_LARGE = _l("The request is too large.")
BAD_QUERY = _l("The query parameter q is not a valid rison object.")
TOO_BIG_NUMBER = _l("A number in the request is too large.")


class BoundedIntConverter(IntegerConverter):
    """Flask's `int` URL converter, refusing numbers above MAX_ID (404, not an overflow) and non-ASCII digits."""

    regex = r"[0-9]+"
    signed_regex = r"-?[0-9]+"

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        """The same arguments as werkzeug's, with an upper bound by default."""
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_converters(app: Flask) -> None:
    """Bound `<int:…>` ids; must run before any view registers its routes."""
    app.url_map.converters["int"] = BoundedIntConverter


def refuse_absurd_pk(endpoint, values) -> None:
    """url_value_preprocessor: FAB's `<pk>` (a string) must be an id a row can have, else 404."""
    pk = (values or {}).get("pk")
    if isinstance(pk, str) and not (pk.isascii() and pk.isdigit() and int(pk) <= MAX_ID):
        abort(404)


def too_big(value) -> bool:
    """Whether a query value (a digit string, or a number nested in a parsed `q`) overflows a 64-bit integer."""
    if isinstance(value, str):
        text = value.strip().lstrip("+-")
        return text.isascii() and text.isdigit() and (len(text) > 19 or int(text) > MAX_BIGINT)
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) > MAX_BIGINT
    if isinstance(value, dict):  # FAB's paging keys are clamped by the list itself (an empty page)
        return any(too_big(v) for k, v in value.items() if k not in PAGING_KEYS)
    if isinstance(value, list):
        return any(too_big(v) for v in value)
    return False


def numbers_ok() -> bool:
    """No query value (filter, id, lookup page) is a number past 64 bits: SQLite overflows on those (a 500)."""
    return not any(too_big(v) for k, v in request.args.items(multi=True) if not k.startswith(PAGING_ARGS))


def body_limit() -> int:
    """The largest body this request may send: uploads (multipart) get more than JSON and forms."""
    config = current_app.config
    if request.mimetype in UPLOAD_TYPES:
        return config["APP_MAX_UPLOAD_BYTES"]
    return config["APP_MAX_BODY_BYTES"]


def limit_body() -> None:
    """before_request: refuse a body over its limit (413) before anything reads it; chunked ones too."""
    limit = body_limit()
    request.max_content_length = limit  # werkzeug stops reading a body without Content-Length there
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    if request.content_length is None and request.environ.get("wsgi.input_terminated"):
        # a streamed (chunked) body: werkzeug cuts it at the limit silently, so read it here and look past it
        if len(request.get_data(cache=True)) >= limit and request.environ["wsgi.input"].read(1):
            raise RequestEntityTooLarge()


def rison_ok() -> bool:
    """Under /api/, whether `q` (when given) is a rison or JSON object; FAB answers 500 to some unreadable ones."""
    if not request.path.startswith("/api/") or "q" not in request.args:
        return True
    for parse in (prison.loads, json.loads):  # FAB reads rison, then JSON
        try:
            value = parse(request.args["q"])
        except Exception:  # noqa: BLE001, S112 prison raises ParserException, ValueError, IndexError…
            continue
        return isinstance(value, dict) and not unstorable(value) and not too_big(value)
    return False


def init_app(app: Flask, error) -> None:
    """Register the checks; `error(status, message)` renders the translated 413 answer."""
    app.url_value_preprocessor(refuse_absurd_pk)
    app.before_request_funcs.setdefault(None, []).insert(0, limit_body)  # before CSRF reads the form
    app.before_request(lambda: None if rison_ok() else error(400, BAD_QUERY))
    app.before_request(lambda: None if numbers_ok() else error(400, TOO_BIG_NUMBER))
    app.register_error_handler(RequestEntityTooLarge, lambda _error: error(413, TOO_LARGE))
