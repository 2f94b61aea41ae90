"""Reading an audit event's summary: the codes commands write (steps, states, job kinds, exports) in words.

Summaries are stored as written, in plain codes ("decide: relative", "pupil_check: started");
the viewer shows each known code in the user's language and leaves names, numbers and dates as they are.
"""
import re

from flask_babel import lazy_gettext as _l

from app.commands.identification import STEP_LABELS
from app.labels import ENUM_LABELS
from app.models import EntryKind
from app.views.admin.audit_exports import format_export

PHRASES = {
    "default standard seeded": _l("default standard put in place"),
    "draft from the default standard": _l("new draft from the default standard"),
    "put in force": _l("put in force"),
    "cancel requested": _l("cancel requested"),
    "pupil roster": _l("pupil roster"),
    "result files older than": _l("result files deleted: older than"),
    "days deleted": _l("days"),
    "still pending": _l("still waiting for the bank"),
    "payment register": _l("payment register"),
    "distribution register": _l("distribution register"),
    "meal register": _l("meal register"),
    "reconciliation": _l("reconciliation"),
}
WORDS = {
    "notice": _l("public notice"), "objection": _l("objection"), "upheld": _l("upheld"),
    "ended": _l("period ended"), "passed": _l("passed"), "not_passed": _l("not passed"),
    "started": _l("started"), "cancelled": _l("cancelled"), "succeeded": _l("finished"),
    "failed": _l("failed"), "queued": _l("waiting"), "running": _l("running"), "download": _l("download"),
    "edited": _l("edited"), "deleted": _l("deleted"), "copy": _l("copy"), "draft": _l("draft"),
    "job": _l("job"), "special": _l("special difficulty"), "relative": _l("relative difficulty"),
    "general": _l("general difficulty"), "none": _l("not in difficulty"),
    "pupil_roster": _l("pupil roster export"), "pupil_check": _l("pupil data check"),
    "score_applications": _l("batch scoring"), "of": "",
    "return_for_correction": STEP_LABELS["return"],
    # money: a batch's steps, the ledger's entries, the bank's answers, carry-over and aid in kind
    "create": _l("created"), "submit": _l("submitted"), "send_back": _l("sent back to the school"),
    "approve": _l("approved"), "withdraw": _l("withdrawn"), "export": _l("bank file handed out"),
    "reconcile": _l("reconciled"), "recover": _l("recovered"), "cancel": _l("cancelled"),
    "confirm": _l("confirmed"), "paid": _l("paid"), "reverses": _l("reverses"), "print": _l("printed"),
    "carry_over": _l("carried over"), "term": _l("term"), "sha": "SHA", "disbursement_batch": _l("disbursement batch"),
    **{kind.value: ENUM_LABELS[kind] for kind in EntryKind},
}
TOKEN = re.compile(r"[A-Za-z][a-z_]+")


def _word(match) -> str:
    """A known code in words, anything else as written."""
    code = match.group()
    label = STEP_LABELS.get(code, WORDS.get(code))
    return match.group() if label is None else str(label)


# summaries read as a sentence: (the stored form, the sentence with its parts by name)
SENTENCES = (
    # a disbursement batch made (app/commands/disbursement.py): "create: <pupils> <total>"
    (re.compile(r"^create: (?P<n>\d+) (?P<total>\d+\.\d{2})$"),
     _l("created: %(n)s pupils, %(total)s yuan")),
)


def _sentence(text: str) -> str | None:
    for pattern, sentence in SENTENCES:
        found = pattern.match(text)
        if found:
            return str(sentence) % found.groupdict()
    return None


def format_summary(text) -> str:
    """The summary in the reader's language: an export's or a job's as a sentence (app/views/admin/
    audit_exports.py), a known form as its sentence, any other with its known codes translated."""
    if not text:
        return ""
    return format_export(text, _codes) or _sentence(text) or _codes(text)


def _codes(text: str) -> str:
    """The text with its known phrases and codes in words, names and numbers as written."""
    for phrase, label in PHRASES.items():
        text = text.replace(phrase, str(label))
    return TOKEN.sub(_word, text)
