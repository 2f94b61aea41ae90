"""The pupil roster export shows phones and ID numbers masked, never in full."""
import io
import zipfile

from app.models import Household
from app.services.masking import mask_id_number, mask_student_no


def _sheet_text(client, headers) -> str:
    """Start the roster export over the API and return the text of the workbook it wrote."""
    resp = client.post("/api/v1/job/start/pupil_roster", json={}, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    download = client.get(f"/api/v1/job/{resp.get_json()['id']}/download", headers=headers)
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(download.get_data())) as book:
        return "".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml"))


def test_the_roster_masks_the_guardians_phone(client, world, jwt, session):
    text = _sheet_text(client, jwt("school_a"))
    assert "A学生" in text and "A家长" in text
    assert "13800138000" not in text
    assert "138****8000" in text


def test_the_roster_never_shows_a_full_id_number(client, world, jwt, session):
    text = _sheet_text(client, jwt("school_a"))
    pupil = world.pupil["A"]
    assert pupil.id_number not in text and pupil.student_no not in text
    assert mask_id_number(pupil.id_number) in text and mask_student_no(pupil.student_no) in text


def test_a_household_without_a_phone_exports_an_empty_cell(client, world, jwt, session):
    session.query(Household).filter_by(id=world.household["A"].id).update({"phone": None})
    session.commit()
    text = _sheet_text(client, jwt("school_a"))
    assert "A学生" in text and "****" not in text.split("A家长")[1].split("</row>")[0]


def test_the_rosters_name_column_is_headed_as_on_the_pupil_pages(client, world, jwt, session):
    text = _sheet_text(client, jwt("school_a"))  # Chinese is the default language
    assert "姓名" in text and "名称" not in text
