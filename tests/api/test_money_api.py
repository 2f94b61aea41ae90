"""The money flow over REST (issue 13, item 8): the same rules and translated refusals as the commands."""
import uuid

import pytest

from app.models import AidItem, DisbursementBatch
from tests.factories import current_term, make_entitlement, make_fund_account, make_household, make_student


@pytest.fixture
def flow(session, place, make_user, jwt):
    """A fund account, three entitled pupils with payee accounts, two district officers, the school's."""
    make_user("district2", "DistrictOfficer", district=place.school.district)
    account = make_fund_account(session, place.school.district)
    for _ in range(3):
        household = make_household(session, district=place.school.district, payee_name="王建国",
                                   bank_account="6217000012345678901", guardian_id_number=None)
        make_entitlement(session, make_student(session, school=place.school, household=household))
    session.commit()
    item = session.query(AidItem).filter_by(code="living_subsidy").one()
    return {"account": account.id, "item": item.id, "term": current_term(session).id, "school": place.school.id,
            "district": jwt("district"), "district2": jwt("district2"), "school_user": jwt("school1")}


def _post(client, path, body, headers):
    return client.post(f"/api/v1/{path}", json=body, headers=headers)


def _allocate(client, flow, amount="1000.00"):
    assert _post(client, f"fund_account/{flow['account']}/receipt", {"amount": "5000.00"},
                 flow["district"]).status_code == 201
    resp = _post(client, "allocation/", {"fund_account_id": flow["account"], "school_id": flow["school"],
                                         "aid_item_id": flow["item"], "term_id": flow["term"], "amount": amount},
                 flow["district"])
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_the_whole_flow_from_receipt_to_approval(client, session, flow):
    allocation = _allocate(client, flow)
    assert (allocation["allocated"], allocation["available"]) == ("1000.00", "1000.00")
    scope = {"term_id": flow["term"], "aid_item_id": flow["item"]}
    preview = _post(client, "disbursement_batch/preview", scope, flow["school_user"]).get_json()
    assert (preview["count"], preview["total"], preview["excluded"]) == (3, "937.50", [])
    key = str(uuid.uuid4())
    made = _post(client, "disbursement_batch/", {**scope, "idempotency_key": key}, flow["school_user"])
    again = _post(client, "disbursement_batch/", {**scope, "idempotency_key": key}, flow["school_user"])
    assert made.status_code == again.status_code == 201
    batch = made.get_json()["id"]
    assert again.get_json()["id"] == batch and session.query(DisbursementBatch).count() == 1
    assert _post(client, f"disbursement_batch/{batch}/submit", {}, flow["school_user"]).status_code == 200
    state = client.get(f"/api/v1/allocation/{allocation['id']}/state", headers=flow["district"]).get_json()
    assert (state["available"], state["held"], state["drawable"]) == ("1000.00", "937.50", "62.50")  # as /money/
    again = _post(client, "disbursement_batch/preview", scope, flow["school_user"]).get_json()
    assert (again["available"], again["held"], again["drawable"]) == ("1000.00", "937.50", "62.50")  # the same
    refused = _post(client, f"disbursement_batch/{batch}/approve", {}, flow["school_user"])
    assert refused.status_code == 403  # a school has no approve permission at all
    approved = _post(client, f"disbursement_batch/{batch}/approve", {}, flow["district"])
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    state = client.get(f"/api/v1/allocation/{allocation['id']}/state", headers=flow["district"]).get_json()
    assert (state["available"], state["reserved"], state["held"], state["drawable"]) == (
        "62.50", "937.50", "0.00", "62.50")
    entries = client.get("/api/v1/ledger_entry/", headers=flow["district"]).get_json()
    assert sorted(e["kind"] for e in entries["result"]) == ["allocation", "receipt", "reservation"]


def test_the_creator_of_a_batch_cannot_approve_it(client, session, flow):
    _allocate(client, flow)
    body = {"term_id": flow["term"], "aid_item_id": flow["item"], "school_id": flow["school"],
            "idempotency_key": str(uuid.uuid4())}
    batch = _post(client, "disbursement_batch/", body, flow["district"]).get_json()["id"]
    assert _post(client, f"disbursement_batch/{batch}/submit", {}, flow["district"]).status_code == 200
    own = _post(client, f"disbursement_batch/{batch}/approve", {}, flow["district"])
    assert own.status_code == 409 and "另一名" in own.get_json()["message"]
    assert _post(client, f"disbursement_batch/{batch}/approve", {}, flow["district2"]).status_code == 200


@pytest.mark.parametrize("amount, status", [(1000.5, 422), ("1000.005", 422), ("-1.00", 422), ("0", 422),
                                            ("abc", 422), ("99999999999999.00", 422)])
def test_bad_amounts_are_refused_with_the_field_named(client, flow, amount, status):
    resp = _post(client, f"fund_account/{flow['account']}/receipt", {"amount": amount}, flow["district"])
    assert resp.status_code == status and "amount" in resp.get_json()["message"], resp.get_json()


def test_overspending_an_allocation_is_refused_in_chinese(client, session, flow):
    _allocate(client, flow, amount="300.00")
    resp = _post(client, "allocation/", {"fund_account_id": flow["account"], "school_id": flow["school"],
                                         "aid_item_id": flow["item"], "term_id": flow["term"],
                                         "amount": "4700.01"}, flow["district"])
    assert resp.status_code == 409 and "尚未下达" in resp.get_json()["message"], resp.get_json()


def test_a_school_neither_moves_money_nor_sees_another_schools_batches(client, session, place, flow):
    resp = _post(client, f"fund_account/{flow['account']}/receipt", {"amount": "1.00"}, flow["school_user"])
    assert resp.status_code == 403
    preview = _post(client, "disbursement_batch/preview", {"term_id": flow["term"], "aid_item_id": flow["item"],
                                                           "school_id": place.other_school.id}, flow["school_user"])
    assert preview.status_code == 404


def test_the_ledger_is_read_only_over_rest(client, session, flow):
    _allocate(client, flow)
    entry = client.get("/api/v1/ledger_entry/", headers=flow["district"]).get_json()["ids"][0]
    for method in (client.put, client.delete):
        assert method(f"/api/v1/ledger_entry/{entry}", json={"memo": "x"}, headers=flow["district"]).status_code in (
            404, 405)
    assert _post(client, "ledger_entry/", {"memo": "x"}, flow["district"]).status_code in (404, 405)
    lines = client.get("/api/v1/disbursement_line/", headers=flow["district"])
    assert lines.status_code == 200



def test_the_bank_file_and_the_answer_over_rest(client, session, flow):
    """POST /export gives the same bytes every time; POST /return_file records the answer once."""
    import csv
    import io

    from app.models import BankFileLayout

    _allocate(client, flow)
    body = {"term_id": flow["term"], "aid_item_id": flow["item"], "idempotency_key": str(uuid.uuid4())}
    batch = _post(client, "disbursement_batch/", body, flow["school_user"]).get_json()["id"]
    _post(client, f"disbursement_batch/{batch}/submit", {}, flow["school_user"])
    assert _post(client, f"disbursement_batch/{batch}/approve", {}, flow["district"]).status_code == 200
    assert _post(client, f"disbursement_batch/{batch}/export", {}, flow["school_user"]).status_code == 403
    layout = session.query(BankFileLayout).filter_by(code="agent_bank_csv").one().id
    first = _post(client, f"disbursement_batch/{batch}/export", {"layout_id": layout}, flow["district"])
    again = _post(client, f"disbursement_batch/{batch}/export", {"layout_id": layout}, flow["district"])
    assert first.status_code == again.status_code == 200 and first.data == again.data
    rows = list(csv.reader(io.StringIO(first.data.decode("gbk"), newline="")))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*rows[0], "状态", "失败原因"])
    for row in rows[1:-1]:
        writer.writerow([*row, "成功", ""])
    answer = out.getvalue().encode("gbk")
    headers = flow["district"]
    done = client.post(f"/api/v1/disbursement_batch/{batch}/return_file", headers=headers,
                       data={"file": (io.BytesIO(answer), "回盘.csv")}, content_type="multipart/form-data")
    assert done.status_code == 200, done.get_json()
    assert (done.get_json()["paid"], done.get_json()["paid_amount"], done.get_json()["failed"]) == (3, "937.50", 0)
    twice = client.post(f"/api/v1/disbursement_batch/{batch}/return_file", headers=headers,
                        data={"file": (io.BytesIO(answer), "回盘.csv")}, content_type="multipart/form-data")
    assert twice.status_code == 409
    state = client.get(f"/api/v1/disbursement_batch/{batch}", headers=headers).get_json()["result"]
    assert state["status"] == "reconciled"
    register = client.get(f"/api/v1/disbursement_batch/{batch}/register", headers=headers)
    assert register.status_code == 200 and register.mimetype.endswith("spreadsheetml.sheet")
    from openpyxl import load_workbook

    cells = [c for row in load_workbook(io.BytesIO(register.data)).worksheets[0].iter_rows(values_only=True)
             for c in row if c is not None]
    assert 937.5 in cells  # the register's total (a number cell), to the fen
    tally = client.get(f"/api/v1/disbursement_batch/reconciliation?term_id={flow['term']}", headers=headers)
    (row,) = [r for r in tally.get_json()["result"] if r["batch_id"] == batch]
    assert row["expected"] == row["paid"] == {"count": 3, "amount": "937.50"} and row["failed"]["count"] == 0
    assert tally.get_json()["totals"]["paid"]["amount"] == "937.50"
    assert client.get("/api/v1/disbursement_batch/999999/register", headers=headers).status_code == 404
    for bad in ("abc", "0", "-1", "²", str(2**31)):
        refused = client.get(f"/api/v1/disbursement_batch/reconciliation?term_id={bad}", headers=headers)
        assert refused.status_code == 422 and "term_id" in refused.get_json()["message"]
    huge = client.get(f"/api/v1/disbursement_batch/reconciliation?term_id={2**63}", headers=headers)
    assert huge.status_code == 400  # every number in a request is bounded before any view
