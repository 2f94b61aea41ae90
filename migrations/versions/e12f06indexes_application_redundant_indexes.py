"""application indexes: the two single-column indexes that a wider one starts with are dropped
(student_id: uq_application_student_term; term_id: ix_application_term_status_id), so that a bulk
step moving a district's applications writes two index entries fewer per application

Revision ID: e12f06indexes
Revises: e12e05facts
Create Date: 2026-12-06 09:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e12f06indexes'
down_revision = 'e12e05facts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index('ix_application_term_id')
        batch_op.drop_index('ix_application_student_id')


def downgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index('ix_application_student_id', ['student_id'], unique=False)
        batch_op.create_index('ix_application_term_id', ['term_id'], unique=False)
