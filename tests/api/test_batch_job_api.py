"""A large batch over REST: `background: true`, or more entitled pupils than BATCH_JOB_THRESHOLD, answers
202 with the job and its Location; the job makes the batch, once per idempotency key."""
import uuid

from app.models import DisbursementBatch, Job
from tests.api.test_money_api import _allocate, _post, flow  # noqa: F401  (fixture)


def _body(flow, **extra) -> dict:  # noqa: F811
    return {"term_id": flow["term"], "aid_item_id": flow["item"], "idempotency_key": str(uuid.uuid4()), **extra}


def test_background_answers_202_with_the_job_and_its_location(client, session, flow):  # noqa: F811
    _allocate(client, flow)
    body = _body(flow, background=True)
    started = _post(client, "disbursement_batch/", body, flow["school_user"])
    assert started.status_code == 202, started.get_json()
    job_id = started.get_json()["job_id"]
    assert started.headers["Location"].endswith(f"/api/v1/job/{job_id}")
    job = client.get(started.headers["Location"], headers=flow["school_user"]).get_json()["result"]
    batch = session.query(DisbursementBatch).one()  # the test queue ran the job at once
    assert job["kind"] == "disbursement_batch" and job["summary"]["batch_id"] == batch.id
    assert job["status"] == "succeeded" and batch.line_count == 3
    again = _post(client, "disbursement_batch/", body, flow["school_user"])  # the same key: the batch made
    assert again.status_code == 201 and again.get_json()["id"] == batch.id
    assert session.query(DisbursementBatch).count() == 1 and session.query(Job).count() == 1


def test_above_the_threshold_the_job_is_chosen_without_asking(app, client, session, flow, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "BATCH_JOB_THRESHOLD", 2)
    _allocate(client, flow)
    started = _post(client, "disbursement_batch/", _body(flow), flow["school_user"])
    assert started.status_code == 202 and session.query(Job).count() == 1
    monkeypatch.setitem(app.config, "BATCH_JOB_THRESHOLD", 3)
    made = _post(client, "disbursement_batch/", _body(flow), flow["school_user"])
    # at the threshold it is tried at once: every pupil is in the first batch already, so refused now
    assert made.status_code == 409 and session.query(Job).count() == 1


def test_a_retried_request_gets_the_same_job(client, session, flow):  # noqa: F811
    _allocate(client, flow)
    headers = {**flow["school_user"], "Idempotency-Key": str(uuid.uuid4())}
    first = _post(client, "disbursement_batch/", _body(flow, background=True), headers)
    again = _post(client, "disbursement_batch/", _body(flow, background=True), headers)
    assert first.status_code == again.status_code == 202
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"] and session.query(Job).count() == 1


def test_a_background_batch_without_an_allocation_is_refused_at_once(client, session, flow):  # noqa: F811
    refused = _post(client, "disbursement_batch/", _body(flow, background=True), flow["school_user"])
    assert refused.status_code == 409 and session.query(Job).count() == 0
