"""record versions: a stale save is refused, not undoing another's change; request keys make a retried create once

Revision ID: c10a7e55e002
Revises: b10a9e55e001
Create Date: 2026-12-06 00:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c10a7e55e002'
down_revision = 'b10a9e55e001'
branch_labels = None
depends_on = None

VERSIONED = ('district', 'school', 'user_scope', 'special_group', 'household', 'household_member', 'student',
             'school_year', 'term', 'tier', 'application', 'aid_item', 'aid_standard', 'fund_account',
             'public_notice', 'objection')


def upgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('assessment_standard') as batch_op:
        batch_op.add_column(sa.Column('row_version', sa.Integer(), server_default='1', nullable=False))
    op.create_table('request_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('answer', sa.JSON(), nullable=True),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'key', name='uq_request_key_user_key')
    )
    with op.batch_alter_table('request_key') as batch_op:
        batch_op.create_index(batch_op.f('ix_request_key_created_on'), ['created_on'], unique=False)


def downgrade():
    with op.batch_alter_table('request_key') as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_key_created_on'))
    op.drop_table('request_key')
    with op.batch_alter_table('assessment_standard') as batch_op:
        batch_op.drop_column('row_version')
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('version')
