"""trust: notifications name the resident whose words or case they carry, so erasure and retention reach them

Revision ID: 0009
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notifications') as batch:
        batch.add_column(sa.Column('about_user_id', sa.Integer(), nullable=True))
        batch.create_index('ix_notifications_about_user_id', ['about_user_id'])
        batch.create_foreign_key('fk_notifications_about_user_id_users', 'users', ['about_user_id'], ['id'],
                                 ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('notifications') as batch:
        batch.drop_constraint('fk_notifications_about_user_id_users', type_='foreignkey')
        batch.drop_index('ix_notifications_about_user_id')
        batch.drop_column('about_user_id')
