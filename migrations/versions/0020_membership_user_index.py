"""An index on audit_membership.user_id: the audits of one user (the list of
audits, the choice of areas to compare, the report's and the overview's other
areas and earlier cycles) are found from their memberships, which read every
membership without it

Revision ID: membership_user_index
Revises: audit_area_index
Create Date: 2026-12-06 04:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'membership_user_index'
down_revision = 'audit_area_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_membership', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_audit_membership_user_id'), ['user_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('audit_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_membership_user_id'))
