"""The assessment page shows the pupil's ID number and 学籍号 with the short mask and no birth date."""
import re

from app.commands import identification
from app.services.masking import mask_id_number
from tests.context import context

OLD_MASK = re.compile(r"\d{4}\*{10}[\dX]{4}")


def test_assessment_page_masks_ids_to_four_and_two_characters_without_the_birth_date(
        session, client, login, place, clock):
    identification.submit(context(session, place.scope, clock=clock), place.application.id)
    session.commit()
    login("school1")
    html = client.get(f"/assessment/{place.application.id}").get_data(as_text=True)
    number = place.student.id_number
    assert mask_id_number(number) in html and "G" + mask_id_number(number) in html
    assert number not in html and not OLD_MASK.search(html)
    assert place.student.birth_date.isoformat() not in html
