"""trust: staff belong to several stations (role officer becomes station_staff), notification claim tokens,
the time a ticket was last whistled

Revision ID: 0006_t10a
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa


revision = '0006_t10a'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_stations',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_members.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', 'station_id')
    )
    with op.batch_alter_table('staff_stations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_stations_station_id'), ['station_id'], unique=False)
    op.execute("INSERT INTO staff_stations (staff_id, station_id) "
               "SELECT id, station_id FROM staff_members WHERE station_id IS NOT NULL")
    op.execute("UPDATE staff_members SET role = 'station_staff' WHERE role = 'officer'")
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_column('station_id')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('whistled_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('whistled_at')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('claim_token')
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('station_id', sa.String(length=24), nullable=True))
    op.execute("UPDATE staff_members SET station_id = (SELECT MIN(station_id) FROM staff_stations "
               "WHERE staff_stations.staff_id = staff_members.id)")
    op.execute("UPDATE staff_members SET role = 'officer' WHERE role = 'station_staff'")
    with op.batch_alter_table('staff_stations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_stations_station_id'))
    op.drop_table('staff_stations')
