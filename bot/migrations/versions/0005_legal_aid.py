"""legal aid: applications with tracking numbers, per-year counters, drafts, evidence files, status history

Revision ID: 0005
Revises: 0004
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('aid_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('aid_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tracking_number', sa.String(length=16), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.String(length=24), nullable=True),
    sa.Column('matter', sa.String(length=24), nullable=False),
    sa.Column('claim', sa.String(length=24), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('wage_data', sa.JSON(), nullable=True),
    sa.Column('decision', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('draft_id'),
    sa.UniqueConstraint('tracking_number')
    )
    with op.batch_alter_table('aid_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_applications_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_applications_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_applications_submitted_at'), ['submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_applications_user_id'), ['user_id'], unique=False)

    op.create_table('aid_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=24), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id')
    )
    with op.batch_alter_table('aid_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_drafts_updated_at'), ['updated_at'], unique=False)

    op.create_table('aid_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('mime_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['aid_applications.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['draft_id'], ['aid_drafts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('aid_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_evidence_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_evidence_draft_id'), ['draft_id'], unique=False)

    op.create_table('aid_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['aid_applications.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('aid_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_status_changes_application_id'), ['application_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('aid_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_status_changes_application_id'))

    op.drop_table('aid_status_changes')
    with op.batch_alter_table('aid_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_evidence_draft_id'))
        batch_op.drop_index(batch_op.f('ix_aid_evidence_application_id'))

    op.drop_table('aid_evidence')
    with op.batch_alter_table('aid_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_drafts_updated_at'))

    op.drop_table('aid_drafts')
    with op.batch_alter_table('aid_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_applications_user_id'))
        batch_op.drop_index(batch_op.f('ix_aid_applications_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_aid_applications_status'))
        batch_op.drop_index(batch_op.f('ix_aid_applications_station_id'))

    op.drop_table('aid_applications')
    op.drop_table('aid_counters')
