"""queue indexes: the district's assessment queue walks a term's status by id and counts each status to a cap

Revision ID: e12c03queue
Revises: e12a01policy
Create Date: 2026-12-06 06:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e12c03queue'
down_revision = 'e12a01policy'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index('ix_application_term_status_id', ['term_id', 'status', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index('ix_application_term_status_id')
