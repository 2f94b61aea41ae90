"""Names and text from users are always rendered escaped, never executed or evaluated."""
import pytest
from markupsafe import escape

from tests.factories import make_household, make_student

PAYLOADS = ['<img src=x onerror=alert(1)>', '{{7*7}}', '"><script>alert(1)</script>']


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_names_render_escaped(as_user, session, world, payload):
    household = make_household(session, district=world.d, guardian_name=payload[:32], address=payload)
    pupil = make_student(session, school=world.a, household=household, name=payload[:32])
    session.commit()
    client = as_user("school_a")
    for url in ("/studentmodelview/list/", f"/studentmodelview/show/{pupil.id}",
                f"/studentmodelview/edit/{pupil.id}", f"/householdmodelview/show/{household.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "<img src=x" not in page and "<script>alert(1)" not in page, url
        expected = str(escape(payload[:32]))
        assert expected in page, url  # shown literally: escaped, not evaluated
    found = client.get("/studentmodelview/lookup/household?q=" + payload[:3]).get_json()["results"]
    assert any(r["text"].startswith(payload[:10]) for r in found)
