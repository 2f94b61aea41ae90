"""The assessment page shows the pupil's ID number and 学籍号 with the short mask and no birth date."""
import re
from datetime import datetime

from app.commands import identification
from app.services.masking import mask_id_number

NOW = datetime(2026, 10, 8, 9, 30)
OLD_MASK = re.compile(r"\d{4}\*{10}[\dX]{4}")


def test_assessment_page_masks_ids_to_four_and_two_characters_without_the_birth_date(
        session, client, login, place):
    identification.submit(session, place.application.id, place.scope, now=NOW)
    session.commit()
    login("school1")
    html = client.get(f"/assessment/{place.application.id}").get_data(as_text=True)
    number = place.student.id_number
    assert mask_id_number(number) in html and "G" + mask_id_number(number) in html
    assert number not in html and not OLD_MASK.search(html)
    assert place.student.birth_date.isoformat() not in html
