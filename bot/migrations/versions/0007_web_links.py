"""web channel: one-time link codes and links between a web visitor and a resident's record on another channel

Revision ID: 0007
Revises: 0006
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('link_codes',
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('code_hash')
    )
    op.create_index(op.f('ix_link_codes_user_id'), 'link_codes', ['user_id'], unique=False)
    op.create_table('account_links',
    sa.Column('web_user_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['web_user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('web_user_id')
    )
    op.create_index(op.f('ix_account_links_user_id'), 'account_links', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_account_links_user_id'), table_name='account_links')
    op.drop_table('account_links')
    op.drop_index(op.f('ix_link_codes_user_id'), table_name='link_codes')
    op.drop_table('link_codes')
