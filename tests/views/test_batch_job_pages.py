"""The batch page with a large batch: above BATCH_JOB_THRESHOLD entitled pupils the button starts the
batch job and shows its progress page (with a link to the batch once made), below it the batch is
made at once; a long preview lists only its first rows with the totals of all; pupils of a school
with no allocation are told so, not that the allocation is used up."""
import re

import pytest

from app.models import DisbursementBatch, Job, JobStatus
from app.services import batch_flow
from tests.views.test_money_pages import _form_token, _funded, pupils  # noqa: F401  (fixture)


def _preview(client, item, term) -> str:
    return client.get(f"/batches/new?aid_item_id={item.id}&term_id={term.id}").get_data(as_text=True)


@pytest.fixture
def funded(session, place, pupils):  # noqa: F811  (the fixture imported above)
    """Three entitled pupils (two with an account), 1 000.00 allocated: (item, term)."""
    _account, item, term, _batch = _funded(session, place)
    return item, term


def test_above_the_threshold_the_button_starts_the_job_and_shows_its_progress(
        app, client, session, funded, login, monkeypatch):
    monkeypatch.setitem(app.config, "BATCH_JOB_THRESHOLD", 2)  # three entitled pupils: more than that
    item, term = funded
    login("school1")
    page = _preview(client, item, term)
    assert 'id="zz-batch-background"' in page
    made = client.post("/batches/new", data=_form_token(page, "zz-batch-create"))
    assert made.status_code == 302 and re.search(r"/jobs/\d+$", made.headers["Location"])
    session.expire_all()
    job = session.query(Job).one()  # the test queue ran it at once
    batch = session.query(DisbursementBatch).one()
    assert (job.kind, job.status, job.summary["batch_id"]) == ("disbursement_batch", JobStatus.SUCCEEDED, batch.id)
    assert batch.line_count == 2 and job.params["school_id"] == batch.school_id
    shown = client.get(made.headers["Location"]).get_data(as_text=True)
    assert f'id="zz-job-batch" href="/batches/{batch.id}"' in shown and "¥625.00" in shown


def test_at_the_threshold_the_batch_is_made_at_once(app, client, session, funded, login, monkeypatch):
    monkeypatch.setitem(app.config, "BATCH_JOB_THRESHOLD", 3)
    item, term = funded
    login("school1")
    page = _preview(client, item, term)
    assert 'id="zz-batch-background"' not in page
    made = client.post("/batches/new", data=_form_token(page, "zz-batch-create"))
    batch = session.query(DisbursementBatch).one()
    assert made.headers["Location"].endswith(f"/batches/{batch.id}") and session.query(Job).count() == 0


def test_a_long_preview_lists_its_first_rows_and_counts_them_all(client, session, funded, login, monkeypatch):
    from app.views.money import payments

    monkeypatch.setattr(payments, "PREVIEW_ROWS", 1)
    item, term = funded
    login("school1")
    page = _preview(client, item, term)
    eligible = page.split('id="zz-batch-eligible"', 1)[1].split("</table>", 1)[0]
    assert eligible.count("data-pupil=") == 1 and 'id="zz-batch-eligible-more"' in page
    assert "2 名学生，合计 ¥625.00" in page  # the totals count both
    assert 'id="zz-batch-excluded-more"' not in page  # one left out: listed in full


def test_a_school_without_an_allocation_is_told_so(client, session, place, pupils, login):  # noqa: F811
    from app.models import AidItem
    from tests.factories import current_term

    item = session.query(AidItem).filter_by(code="living_subsidy").one()
    login("school1")
    page = _preview(client, item, current_term(session))
    reasons = re.findall(r'data-reason="([a-z_]+)"', page)
    assert sorted(reasons) == sorted([batch_flow.NO_PAYEE_ACCOUNT] + [batch_flow.NO_ALLOCATION] * 2)
    assert batch_flow.ALLOCATION_EXHAUSTED not in reasons and 'id="zz-batch-create"' not in page
