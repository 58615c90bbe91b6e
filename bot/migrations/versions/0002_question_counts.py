"""question counts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 00:03:52.023771
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('question_counts',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('town', sa.String(length=24), nullable=False),
    sa.Column('topic', sa.String(length=24), nullable=False),
    sa.Column('entry_id', sa.String(length=64), nullable=False),
    sa.Column('asked', sa.Integer(), nullable=False),
    sa.Column('helpful', sa.Integer(), nullable=False),
    sa.Column('unhelpful', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'town', 'topic', 'entry_id')
    )


def downgrade() -> None:
    op.drop_table('question_counts')
