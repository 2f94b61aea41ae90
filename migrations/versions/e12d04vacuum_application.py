"""application vacuumed sooner on PostgreSQL: a district's batch step rewrites every row of a status at
once, and until autovacuum runs the queue's status counts walk the dead index entries (2.6 s → 42 ms
at 1 M once vacuumed); the default threshold (20 % of the table) lets them pile up

Revision ID: e12d04vacuum
Revises: e12c03queue
Create Date: 2026-12-06 07:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e12d04vacuum'
down_revision = 'e12c03queue'
branch_labels = None
depends_on = None

SETTINGS = ("autovacuum_vacuum_scale_factor", "autovacuum_analyze_scale_factor")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE application SET (autovacuum_vacuum_scale_factor = 0.02, "
                   "autovacuum_analyze_scale_factor = 0.02)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE application RESET ({', '.join(SETTINGS)})")
