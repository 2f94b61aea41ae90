"""GET /api/v1/bank_file_layout/: the layouts a district can use (the shared ones and its own, never another
district's), read only."""
from app.commands import bank_layouts
from app.models import BankFileLayout, FileFormat
from tests.context import context
from tests.factories import make_district


def test_a_district_lists_the_shared_layouts_and_its_own_but_no_other_districts(client, session, place, jwt):
    shared = session.query(BankFileLayout).filter_by(code="agent_bank_csv").one()
    mine = bank_layouts.copy_layout(context(session, place.district_scope), shared.id, code="county_csv", name="本县")
    other = make_district(session)
    session.add(BankFileLayout(code="other_county", name="外县格式", district_id=other.id,
                               file_format=FileFormat.XLSX, columns=shared.columns))
    session.commit()
    for user in ("district", "school1"):
        resp = client.get("/api/v1/bank_file_layout/", headers=jwt(user))
        assert resp.status_code == 200
        codes = {row["code"] for row in resp.get_json()["result"]}
        assert codes == {"yikatong_xlsx", "agent_bank_csv", "county_csv"}
    one = client.get(f"/api/v1/bank_file_layout/{mine.id}", headers=jwt("district")).get_json()["result"]
    assert one["columns"] == shared.columns and one["file_format"] == "csv_gbk"
    theirs = session.query(BankFileLayout).filter_by(code="other_county").one()
    assert client.get(f"/api/v1/bank_file_layout/{theirs.id}", headers=jwt("district")).status_code == 404


def test_the_layouts_are_not_written_through_rest(client, session, place, jwt):
    shared = session.query(BankFileLayout).filter_by(code="agent_bank_csv").one()
    headers = jwt("district")
    assert client.post("/api/v1/bank_file_layout/", json={"code": "x", "name": "x"}, headers=headers).status_code in (
        404, 405)
    assert client.put(f"/api/v1/bank_file_layout/{shared.id}", json={"name": "x"}, headers=headers).status_code in (
        404, 405)
    assert client.delete(f"/api/v1/bank_file_layout/{shared.id}", headers=headers).status_code in (404, 405)
    session.expire_all()
    assert session.get(BankFileLayout, shared.id).name != "x"
