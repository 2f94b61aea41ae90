"""Every record type the audit trail can name reads in words: each table the flush hook audits and each
entity a command names."""
import re
from pathlib import Path

from flask_appbuilder import Model

from app.models.base import Stamped
from app.views.admin.audit import ENTITY_LABELS

ROOT = Path(__file__).resolve().parents[3] / "app"
NAMED = re.compile(r'entity="([a-z_]+)"')


def test_every_audited_table_and_named_entity_has_a_label():
    tables = {mapper.class_.__tablename__ for mapper in Model.registry.mappers
              if issubclass(mapper.class_, Stamped)}
    named = {name for path in ROOT.rglob("*.py") for name in NAMED.findall(path.read_text("utf-8"))}
    assert len(tables) > 15 and len(named) > 8
    assert sorted((tables | named) - set(ENTITY_LABELS)) == []
