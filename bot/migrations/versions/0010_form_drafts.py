"""forms: drafts, their files and generic submissions for the form engine (bot/forms); legal-aid drafts move there

Revision ID: 0010
Revises: 0009
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('form_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('form', sa.String(length=32), nullable=False),
    sa.Column('step', sa.String(length=32), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'form', name='uq_form_drafts_user_form'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('form_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_drafts_updated_at'), ['updated_at'], unique=False)

    op.create_table('form_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('mime_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['form_drafts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('form_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_files_draft_id'), ['draft_id'], unique=False)

    op.create_table('form_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form', sa.String(length=32), nullable=False),
    sa.Column('reference', sa.String(length=24), nullable=True),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.String(length=24), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('follow_up_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('form', 'draft_id', name='uq_form_submissions_form_draft'),
    sa.UniqueConstraint('reference')
    )
    with op.batch_alter_table('form_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_submissions_form'), ['form'], unique=False)
        batch_op.create_index(batch_op.f('ix_form_submissions_user_id'), ['user_id'], unique=False)

    # Legal-aid applications in progress become drafts of the form engine, with their ids and their files.
    op.execute("INSERT INTO form_drafts (id, user_id, form, step, data, created_at, updated_at) "
               "SELECT id, user_id, 'legal_aid', step, data, created_at, updated_at FROM aid_drafts")
    op.execute("INSERT INTO form_files (draft_id, field, file_name, mime_type, size, content, created_at) "
               "SELECT draft_id, 'evidence', file_name, mime_type, size, content, created_at FROM aid_evidence "
               "WHERE draft_id IS NOT NULL")
    op.execute("DELETE FROM aid_evidence WHERE draft_id IS NOT NULL")
    # An application keeps its draft's id (unique): new draft ids start above every id given so far.
    bind = op.get_bind()
    top = bind.execute(sa.text("SELECT max(v) FROM (SELECT max(draft_id) AS v FROM aid_applications "
                               "UNION ALL SELECT max(id) FROM aid_drafts) AS ids")).scalar()
    if top:
        if bind.dialect.name == "postgresql":
            bind.execute(sa.text("SELECT setval(pg_get_serial_sequence('form_drafts', 'id'), :top)"), {"top": top})
        elif bind.dialect.name == "sqlite":
            bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'form_drafts'"))
            bind.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('form_drafts', :top)"), {"top": top})
    with op.batch_alter_table('aid_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_evidence_draft_id'))
        batch_op.drop_column('draft_id')
    with op.batch_alter_table('aid_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_drafts_updated_at'))
    op.drop_table('aid_drafts')


def downgrade() -> None:
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
    with op.batch_alter_table('aid_evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_aid_evidence_draft_id', 'aid_drafts', ['draft_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_aid_evidence_draft_id'), ['draft_id'], unique=False)
    # Drafts in progress are not carried back: they are dropped with the form engine's tables.
    op.drop_table('form_submissions')
    op.drop_table('form_files')
    op.drop_table('form_drafts')
