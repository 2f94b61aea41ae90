"""Districts and the code lists (tiers, special groups) are the system's: only Admin writes them."""
import pytest

from app.models import District, SpecialGroup, Tier


@pytest.fixture
def admin_headers(jwt, make_user, world):
    make_user("root", "Admin")
    return jwt("root")


@pytest.mark.parametrize("username", ["district", "school_a", "leader"])
def test_only_admin_creates_districts(client, session, world, jwt, admin_headers, username):
    before = session.query(District).count()
    resp = client.post("/api/v1/district/", json={"code": "998877", "name": "新县"}, headers=jwt(username))
    assert resp.status_code == 403
    resp = client.put(f"/api/v1/district/{world.d.id}", json={"name": "改名县"}, headers=jwt(username))
    assert resp.status_code == 403
    session.expire_all()
    assert session.query(District).count() == before and session.get(District, world.d.id).name != "改名县"
    assert client.post("/api/v1/district/", json={"code": "998877", "name": "新县"},
                       headers=admin_headers).status_code == 201


@pytest.mark.parametrize("resource,model,body", [
    ("tier", Tier, {"name": "改过的等级"}), ("special_group", SpecialGroup, {"name": "改过的群体"}),
])
def test_district_officer_reads_but_cannot_change_code_lists(client, session, world, jwt, admin_headers,
                                                             resource, model, body):
    row = session.query(model).first()
    headers = jwt("district")
    assert client.get(f"/api/v1/{resource}/{row.id}", headers=headers).status_code == 200
    assert client.put(f"/api/v1/{resource}/{row.id}", json=body, headers=headers).status_code == 403
    assert client.post(f"/api/v1/{resource}/", json={"code": "zz_new", **body}, headers=headers).status_code == 403
    assert client.delete(f"/api/v1/{resource}/{row.id}", headers=headers).status_code == 403
    session.expire_all()
    assert session.get(model, row.id).name != body["name"]
    assert client.put(f"/api/v1/{resource}/{row.id}", json=body, headers=admin_headers).status_code == 200


def test_district_officer_still_manages_the_schools_of_the_district(client, session, world, jwt):
    resp = client.put(f"/api/v1/school/{world.a.id}", json={"township": "新镇"}, headers=jwt("district"))
    assert resp.status_code == 200, resp.get_data(as_text=True)
