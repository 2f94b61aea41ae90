"""The list arguments of a REST query (`q`): pages and page sizes in range, refusals in words."""
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

FIRST_OFFSET_BEYOND = 2**31  # rows no list holds: an offset past this is a made-up page
BAD_PAGE_SIZE = _l("page_size must be a whole number from 1 to %(max)s.")
BAD_PAGE = _l("page must be a whole number from 0, and not beyond the last rows a list can hold.")
BAD_ARGUMENT = _l("A value in the query parameter q has the wrong type or is out of range.")


class QueryRefused(BadRequest):
    """A list argument out of range: FAB's @safe answers 400 with this translated description."""

    def __init__(self, message):
        super().__init__(description=str(message))

    def __str__(self) -> str:
        return str(self.description)


def check_paging(rison_args: dict, default_size: int, max_size: int) -> None:
    """Refuse (QueryRefused) a page size outside 1…max_size or a page before the first or past any list."""
    size = rison_args.get("page_size", default_size)
    page = rison_args.get("page", 0)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= max_size:
        raise QueryRefused(BAD_PAGE_SIZE % {"max": max_size})
    if isinstance(page, bool) or not isinstance(page, int) or page < 0 or page * size >= FIRST_OFFSET_BEYOND:
        raise QueryRefused(BAD_PAGE)


def translated_400(message):
    """FAB's own 400 for a `q` that fails its JSON schema is English and names its internals: say it in words."""
    if isinstance(message, str) and message.startswith("Not a valid rison"):
        return str(BAD_ARGUMENT)
    return message
