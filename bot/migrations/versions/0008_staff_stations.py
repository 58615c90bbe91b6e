"""trust: staff belong to several stations (role officer becomes station_staff), notification claim tokens,
the time a ticket was last whistled

Revision ID: 0008
Revises: 0007
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _drop_column(table: str, column: str) -> None:
    # Never a batch "move and copy" on SQLite: with foreign keys on, dropping the old table would cascade to the rows
    # that point at it (tickets and audit rows of staff, a ticket's timers). SQLite 3.35+ drops a column in place.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
    else:
        op.drop_column(table, column)


def upgrade() -> None:
    op.create_table('staff_stations',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_members.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', 'station_id')
    )
    op.create_index(op.f('ix_staff_stations_station_id'), 'staff_stations', ['station_id'], unique=False)
    op.execute("INSERT INTO staff_stations (staff_id, station_id) "
               "SELECT id, station_id FROM staff_members WHERE station_id IS NOT NULL")
    op.execute("UPDATE staff_members SET role = 'station_staff' WHERE role = 'officer'")
    _drop_column('staff_members', 'station_id')
    op.add_column('notifications', sa.Column('claim_token', sa.String(length=32), nullable=True))
    op.add_column('tickets', sa.Column('whistled_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    _drop_column('tickets', 'whistled_at')
    _drop_column('notifications', 'claim_token')
    op.add_column('staff_members', sa.Column('station_id', sa.String(length=24), nullable=True))
    op.execute("UPDATE staff_members SET station_id = (SELECT MIN(station_id) FROM staff_stations "
               "WHERE staff_stations.staff_id = staff_members.id)")
    op.execute("UPDATE staff_members SET role = 'officer' WHERE role = 'station_staff'")
    op.drop_index(op.f('ix_staff_stations_station_id'), table_name='staff_stations')
    op.drop_table('staff_stations')
