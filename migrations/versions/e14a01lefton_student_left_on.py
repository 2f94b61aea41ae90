"""a pupil's day of leaving school (student.left_on), set when the status changes to transferred, dropped
out or graduated, so that a past term counts the pupils enrolled through it; earlier leavers get the day
their row last changed, the latest they can have left

Revision ID: e14a01lefton
Revises: e13c03inkind
Create Date: 2026-12-06 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e14a01lefton'
down_revision = 'e13c03inkind'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.add_column(sa.Column('left_on', sa.Date(), nullable=True))
    # the day in China (changed_on is UTC)
    sqlite = op.get_bind().dialect.name == "sqlite"
    day = "date(changed_on, '+8 hours')" if sqlite else "CAST(changed_on AT TIME ZONE 'Asia/Shanghai' AS DATE)"
    op.execute(f"UPDATE student SET left_on = {day} WHERE status <> 'enrolled'")


def downgrade():
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.drop_column('left_on')
