"""aware UTC stamps: every moment column is timestamptz on PostgreSQL (values were naive UTC)

Revision ID: d11c10c4e003
Revises: c10a7e55e002
Create Date: 2026-12-06 03:10:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd11c10c4e003'
down_revision = 'c10a7e55e002'
branch_labels = None
depends_on = None

STAMPED = ('aid_item', 'district', 'school_year', 'special_group', 'tier', 'aid_standard', 'assessment_standard',
           'school', 'term', 'fund_account', 'household', 'public_notice', 'household_member', 'student',
           'application', 'home_visit', 'review_decision', 'objection')
MOMENTS = {
    'audit_event': ('occurred_at',),
    'request_key': ('created_on',),
    'assessment_standard': ('activated_at', 'first_used_at'),
    'job': ('created_on', 'started_at', 'heartbeat_at', 'finished_at', 'queued_at'),
    'public_notice': ('published_at', 'withdrawn_at'),
    'application': ('submitted_on', 'assessed_on', 'decided_on', 'approved_on'),
}


def _columns():
    """(table, column) of every moment column."""
    for table in STAMPED:
        yield table, 'created_on'
        yield table, 'changed_on'
    for table, columns in MOMENTS.items():
        for column in columns:
            yield table, column


def _retype(kind: str, zone_clause: str) -> None:
    """PostgreSQL only: SQLite keeps the same text (UTC, no zone) either way."""
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, column in _columns():
        op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE {kind} USING {column} {zone_clause}')


def upgrade():
    _retype('TIMESTAMP WITH TIME ZONE', "AT TIME ZONE 'UTC'")


def downgrade():
    _retype('TIMESTAMP WITHOUT TIME ZONE', "AT TIME ZONE 'UTC'")
