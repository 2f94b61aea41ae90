"""application queue index: previous/next application of a school's term walks (school, term, id)

Revision ID: a3e5c8d21f04
Revises: 9d7f4d1f007c
Create Date: 2026-11-29 21:05:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a3e5c8d21f04'
down_revision = '9d7f4d1f007c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index('ix_application_school_term_id', ['school_id', 'term_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index('ix_application_school_term_id')
