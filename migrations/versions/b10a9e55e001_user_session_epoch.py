"""user session epoch: logout, a password change and disabling an account end every session and token

Revision ID: b10a9e55e001
Revises: a3e5c8d21f04
Create Date: 2026-12-06 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b10a9e55e001'
down_revision = 'a3e5c8d21f04'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_session',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('epoch', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )


def downgrade():
    op.drop_table('user_session')
