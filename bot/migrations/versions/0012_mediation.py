"""mediation cases, events, timers and the per-year counter

Revision ID: 0012
Revises: 0011
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mediation_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('mediation_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('respondent_id', sa.Integer(), nullable=True),
    sa.Column('station_id', sa.String(length=24), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('invite_hash', sa.String(length=64), nullable=True),
    sa.Column('invite_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('invite_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('respondent_by', sa.String(length=8), nullable=True),
    sa.Column('mediator_id', sa.Integer(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('slots', sa.JSON(), nullable=False),
    sa.Column('session_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('session_place', sa.Text(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('outcome_reason', sa.Text(), nullable=True),
    sa.Column('agreement', sa.JSON(), nullable=False),
    sa.Column('applicant_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('respondent_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('perform_by', sa.Date(), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=True),
    sa.Column('ruling', sa.String(length=16), nullable=True),
    sa.Column('ruling_on', sa.Date(), nullable=True),
    sa.Column('applicant_performed', sa.String(length=8), nullable=True),
    sa.Column('respondent_performed', sa.String(length=8), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['users.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mediator_id'], ['staff_members.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['respondent_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('invite_hash'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('mediation_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_cases_applicant_id'), ['applicant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_cases_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_cases_respondent_id'), ['respondent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_cases_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_cases_status'), ['status'], unique=False)

    op.create_table('mediation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('shown', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_cases.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mediation_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_events_case_id'), ['case_id'], unique=False)

    op.create_table('mediation_timers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_cases.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'kind', name='uq_mediation_timers_case_kind')
    )
    with op.batch_alter_table('mediation_timers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_timers_due_at'), ['due_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('mediation_timers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_timers_due_at'))

    op.drop_table('mediation_timers')
    with op.batch_alter_table('mediation_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_events_case_id'))

    op.drop_table('mediation_events')
    with op.batch_alter_table('mediation_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_cases_status'))
        batch_op.drop_index(batch_op.f('ix_mediation_cases_station_id'))
        batch_op.drop_index(batch_op.f('ix_mediation_cases_respondent_id'))
        batch_op.drop_index(batch_op.f('ix_mediation_cases_created_at'))
        batch_op.drop_index(batch_op.f('ix_mediation_cases_applicant_id'))

    op.drop_table('mediation_cases')
    op.drop_table('mediation_counters')
