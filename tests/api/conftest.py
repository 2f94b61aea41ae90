"""Fixtures of the API tests: a JWT header per user."""
import pytest

from tests.conftest import TEST_PASSWORD


@pytest.fixture
def jwt(client):
    """Authorization headers for a user: jwt("school1")."""

    def _token(username):
        resp = client.post("/api/v1/security/login",
                           json={"username": username, "password": TEST_PASSWORD, "provider": "db"})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return {"Authorization": "Bearer " + resp.get_json()["access_token"]}

    return _token
