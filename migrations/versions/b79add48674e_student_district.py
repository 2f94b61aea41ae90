"""student district: the school's district kept on the pupil, so district lists walk one index

Revision ID: b79add48674e
Revises: 564017a6ef37
Create Date: 2026-11-26 16:04:39.675075

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b79add48674e'
down_revision = '564017a6ef37'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_id', sa.Integer(), nullable=True))
    op.execute("UPDATE student SET district_id = "
               "(SELECT school.district_id FROM school WHERE school.id = student.school_id)")
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.alter_column('district_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index('ix_student_district_id', ['district_id', 'id'], unique=False)
        batch_op.create_foreign_key('fk_student_district_id_district', 'district', ['district_id'], ['id'])


def downgrade():
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.drop_constraint('fk_student_district_id_district', type_='foreignkey')
        batch_op.drop_index('ix_student_district_id')
        batch_op.drop_column('district_id')
