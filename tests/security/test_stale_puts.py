"""Lost updates: a PUT based on an older version of a record is refused with 409, nothing written."""
import threading
from concurrent.futures import ThreadPoolExecutor

from app.models import Household, Student


def test_a_stale_version_is_refused_and_the_first_change_kept(client, session, world, jwt):
    pupil = world.pupil["A"]
    headers = jwt("school_a")
    shown = client.get(f"/api/v1/student/{pupil.id}", headers=headers).get_json()["result"]
    assert isinstance(shown["version"], int)
    first = client.put(f"/api/v1/student/{pupil.id}", headers=headers,
                       json={"class_name": "2班", "version": shown["version"]})
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.get_json()["result"]["version"] == shown["version"] + 1
    second = client.put(f"/api/v1/student/{pupil.id}", headers=headers,
                        json={"name": "另一个名字", "version": shown["version"]})
    assert second.status_code == 409
    assert "修改" in second.get_json()["message"]
    session.expire_all()
    row = session.get(Student, pupil.id)
    assert (row.class_name, row.name) == ("2班", pupil.name)


def test_if_match_carries_the_version_too(client, session, world, jwt):
    household = world.household["A"]
    headers = jwt("school_a")
    version = client.get(f"/api/v1/household/{household.id}", headers=headers).get_json()["result"]["version"]
    stale = client.put(f"/api/v1/household/{household.id}", json={"address": "甲"},
                       headers={**headers, "If-Match": f'"{version - 1}"'})
    assert stale.status_code == 409
    fresh = client.put(f"/api/v1/household/{household.id}", json={"address": "乙"},
                       headers={**headers, "If-Match": f'"{version}"'})
    assert fresh.status_code == 200
    session.expire_all()
    assert session.get(Household, household.id).address == "乙"


def test_a_version_that_is_not_a_number_is_a_field_error(client, world, jwt):
    resp = client.put(f"/api/v1/student/{world.pupil['A'].id}", json={"version": "abc"}, headers=jwt("school_a"))
    assert resp.status_code == 422 and "version" in resp.get_json()["message"]


def test_eight_concurrent_puts_of_one_version_save_once(app, session, world, jwt):
    pupil = world.pupil["A"]
    headers = jwt("school_a")
    version = app.test_client().get(f"/api/v1/student/{pupil.id}", headers=headers).get_json()["result"]["version"]
    barrier = threading.Barrier(8, timeout=60)

    def put(n):
        barrier.wait()
        resp = app.test_client().put(f"/api/v1/student/{pupil.id}", headers=headers,
                                     json={"class_name": f"{n + 2}班", "version": version})
        return resp.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(put, range(8), timeout=120))
    assert sorted(statuses) == [200] + [409] * 7, statuses
    session.expire_all()
    assert session.get(Student, pupil.id).version == version + 1
