"""The runner for pages: a form post runs one use case and answers with a flash and a redirect (PRG).

`post(command, *args, done=…, back=…)`: the form's one-time token is taken in the step's transaction
(a form sent twice is carried out once), `app.runner.run` owns the transaction, and the refusal's
answer is shown: not found → 404 page, refused fields → each field's message, done before →
an info line, any other refusal → the message; success → `done`.
"""
from flask import abort, flash

from app.errors import DomainError
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
    """Run `command` as `attempt` does and answer `back` (a redirect) either way."""
    attempt(command, *args, done=done, **kwargs)
    return back
