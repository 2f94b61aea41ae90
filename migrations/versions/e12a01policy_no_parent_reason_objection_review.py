"""policy: a household records why no parent or guardian is entered; an objection carries the family's
request for a district review (复核) and the district's decision

Revision ID: e12a01policy
Revises: d11c10c4e003
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e12a01policy'
down_revision = 'd11c10c4e003'
branch_labels = None
depends_on = None


def _day(name: str) -> sa.Column:
    return sa.Column(name, sa.Date(), nullable=True)


def upgrade():
    with op.batch_alter_table('household') as batch_op:
        batch_op.add_column(sa.Column('no_parent_reason', sa.Enum('orphan', 'parents_missing', 'other',
                                                                  name='no_parent_reason', native_enum=False,
                                                                  length=24, create_constraint=False),
                                      nullable=True))
        batch_op.add_column(sa.Column('no_parent_note', sa.String(length=200), nullable=True))
    with op.batch_alter_table('objection') as batch_op:
        batch_op.add_column(_day('review_requested_on'))
        batch_op.add_column(sa.Column('review_requested_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('review_request', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('review_ruling', sa.Enum('upheld', 'changed', name='objection_review_ruling',
                                                               native_enum=False, length=24,
                                                               create_constraint=False),
                                      nullable=True))
        batch_op.add_column(sa.Column('review_answer', sa.Text(), nullable=True))
        batch_op.add_column(_day('review_decided_on'))


def downgrade():
    with op.batch_alter_table('objection') as batch_op:
        for column in ('review_decided_on', 'review_answer', 'review_ruling', 'review_request',
                       'review_requested_by', 'review_requested_on'):
            batch_op.drop_column(column)
    with op.batch_alter_table('household') as batch_op:
        batch_op.drop_column('no_parent_note')
        batch_op.drop_column('no_parent_reason')
