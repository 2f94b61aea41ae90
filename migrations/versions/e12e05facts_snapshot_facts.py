"""facts record: an application keeps the facts its snapshot gives the scorer, as compact text tagged
with the rules' version, so that scoring a district reads a few bytes per application instead of the
snapshot (applications submitted before have none: their snapshot is read when they are scored)

Revision ID: e12e05facts
Revises: e12d04vacuum
Create Date: 2026-12-06 08:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e12e05facts'
down_revision = 'e12d04vacuum'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snapshot_facts', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_column('snapshot_facts')
