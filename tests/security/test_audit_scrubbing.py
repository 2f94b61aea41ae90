"""Free text reaches the audit trail without phone, ID or card numbers, in every field and nesting."""
import json
from datetime import date

from app.models import AuditEvent, Household
from app.security import audit
from tests.context import named
from tests.factories import make_household

SECRETS = ("13800138000", "110101201605170012", "6217990000000001234", "0371-65432109", "110101160517001",
           "139 0013 9000")
TEXT = "电话13800138000，身份证110101201605170012，卡号6217990000000001234，座机0371-65432109，" \
       "旧证110101160517001，另一部139 0013 9000"


def _stored(event) -> str:
    """Everything an event keeps of the values and texts it was given."""
    return json.dumps([event.summary, event.old_values, event.new_values], ensure_ascii=False)


def test_explicit_event_scrubs_phones_ids_and_cards_from_its_detail_and_values(session):
    audit.record(named(), audit.WORKFLOW, entity="objection", detail=TEXT,
                 old={"minutes": TEXT, "snapshot": {"household": {"phone": "13800138000", "notes": TEXT}}},
                 new={"reasons": [TEXT, "无"], "contact_phone": "13900139000", "birth_date": date(2016, 5, 17)},
                 commit=True)
    event = session.query(AuditEvent).filter_by(entity="objection").one()
    stored = _stored(event)
    assert not any(secret in stored for secret in SECRETS + ("13900139000", "2016-05-17")), stored
    assert "138****8000" in stored and "139****9000" in stored and event.new_values["birth_date"] == "2016"
    assert event.new_values["reasons"][1] == "无" and "电话" in event.summary


def test_ordinary_numbers_in_free_text_are_kept(session):
    audit.record(named(), audit.WORKFLOW, entity="objection", detail="第2026年 12000.00 元，3年级1班，编号 123456",
                 commit=True)
    event = session.query(AuditEvent).filter_by(entity="objection").one()
    assert event.summary == "第2026年 12000.00 元，3年级1班，编号 123456"


def test_captured_change_of_household_notes_is_scrubbed(session):
    household = make_household(session, notes="无")
    session.commit()
    household.notes = TEXT
    session.commit()
    event = session.query(AuditEvent).filter_by(entity=Household.__tablename__, action="update").one()
    stored = _stored(event)
    assert event.new_values["notes"] != TEXT
    assert not any(secret in stored for secret in SECRETS), stored
