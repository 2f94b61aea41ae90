"""Real threads released together: each runs one request on its own test client, bounded in time."""
import json
import threading
from dataclasses import dataclass

from tests.conftest import TEST_PASSWORD

JOIN_SECONDS = 90


@dataclass(frozen=True)
class Answer:
    """What one thread's request answered."""

    status: int
    json: dict | None
    headers: dict


def api_headers(app, username: str) -> dict:
    """A fresh JWT of `username` as Authorization headers (one login per thread)."""
    with app.app_context():
        resp = app.test_client().post("/api/v1/security/login",
                                      json={"username": username, "password": TEST_PASSWORD, "provider": "db"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return {"Authorization": "Bearer " + resp.get_json()["access_token"]}


def page_client(app, username: str):
    """A test client signed in through the login form (in an app context of its own: the test's
    context would lend the request its `g`, where another client's login is still remembered)."""
    client = app.test_client()
    with app.app_context():
        client.post("/login/", data={"username": username, "password": TEST_PASSWORD})
    assert any(cookie.key == "session" for cookie in client._cookies.values()), "login failed"
    return client


def fresh(app, call):
    """`call()` (one request) in an app context of its own, as a real request would have."""
    with app.app_context():
        return call()


def race(clients: list, send) -> list[Answer]:
    """`send(client, i)` in one thread per client, all released by one barrier; every thread joined."""
    barrier = threading.Barrier(len(clients), timeout=JOIN_SECONDS)
    answers: list = [None] * len(clients)
    errors: list = []

    def work(i: int, client) -> None:
        try:
            barrier.wait()
            resp = send(client, i)
            body = json.loads(resp.get_data()) if resp.is_json else None
            answers[i] = Answer(resp.status_code, body, dict(resp.headers))
        except Exception as err:  # noqa: BLE001  (reported below, in the test's thread)
            errors.append(err)

    threads = [threading.Thread(target=work, args=(i, c), daemon=True) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_SECONDS)
    assert not any(t.is_alive() for t in threads), "a request did not finish in time"
    assert not errors, errors
    return answers
