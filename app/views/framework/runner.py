"""The runner for pages: a form post runs one use case and answers with a flash and a redirect (PRG).

`post(command, *args, done=…, back=…)`: the form's one-time token is taken in the step's transaction
(a form sent twice is carried out once), `app.runner.run` owns the transaction, and the refusal's
answer is shown: not found → 404 page, refused fields → each field's message, done before →
an info line, any other refusal → the message; success → `done`.

Refused fields are also kept for the page, so that a form can show each message under its own field
(`refused(field)` in templates, or the macro in zizhu/_field_errors.html): for the page rendered by
the same request (`attempt`), and across `post`'s redirect for the page it redirects to (once).
"""
from urllib.parse import urlsplit

from flask import abort, flash, g, request, session

from app.errors import DomainError, FieldErrors
from app.runner import DONE, Answer, answer, run
from app.security.request_context import current_context
from app.views.framework.once import ALREADY, claim_form


def attempt(command, *args, done=None, **kwargs):
    """Run `command(ctx, *args, **kwargs)` for this request; (True, result) after a flashed success,
    (False, the refusal's Answer) after a flashed refusal — kind "done" for a form sent twice; 404 when
    the record is not found or not in scope."""
    ctx = current_context()
    if not claim_form(ctx.session):
        flash(str(ALREADY), "info")
        return False, Answer(DONE, str(ALREADY))
    try:
        result = run(ctx, command, *args, **kwargs)
    except DomainError as err:
        refusal = answer(err)
        if refusal.kind == "not_found":
            abort(404)
        if isinstance(err, FieldErrors):
            g.zizhu_refused = {field: [str(m) for m in messages] for field, messages in err.errors.items()}
        for message in _messages(refusal):
            flash(message, "info" if refusal.kind == "done" else "danger")
        return False, refusal
    if done is not None:
        flash(str(done), "success")
    return True, result


def _messages(refusal) -> list[str]:
    """What to tell: every refused field's labelled message at once, else the refusal's message."""
    if refusal.fields:
        return [message for messages in refusal.fields.values() for message in messages]
    return [refusal.message]


def post(command, *args, done=None, back, **kwargs):
    """Run `command` as `attempt` does and answer `back` (a redirect) either way; refused fields are
    kept for the page `back` leads to."""
    ok, _ = attempt(command, *args, done=done, **kwargs)
    fields = g.get("zizhu_refused")
    if not ok and fields and getattr(back, "location", None):
        session[REFUSED] = {"path": urlsplit(back.location).path, "fields": fields}
    return back


REFUSED = "zz_refused"


def refused(field: str) -> list[str]:
    """The messages refused for `field` by the step this request ran, or by the step whose `post`
    redirected here (kept in the session for the next page at that path only, then forgotten)."""
    fields = g.get("zizhu_refused")
    if fields is None:
        kept = session.pop(REFUSED, None) if REFUSED in session else None
        fields = kept["fields"] if isinstance(kept, dict) and kept.get("path") == request.path else {}
        g.zizhu_refused = fields
    return list(fields.get(field, []))
