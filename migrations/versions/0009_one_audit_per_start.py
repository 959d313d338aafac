"""One audit per cycle started from another (previous_audit_id, cycle unique)

Revision ID: one_audit_per_start
Revises: report_pdfs
Create Date: 2026-11-23 10:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'one_audit_per_start'
down_revision = 'report_pdfs'
branch_labels = None
depends_on = None


def upgrade():
    # Before this constraint two requests at once could each start a version of
    # the same audit. Say which ones, rather than fail on an anonymous
    # constraint error: someone must decide which of the two drafts to keep.
    twins = op.get_bind().execute(
        sa.text(
            "SELECT previous_audit_id, cycle, COUNT(*) FROM audit "
            "WHERE previous_audit_id IS NOT NULL "
            "GROUP BY previous_audit_id, cycle HAVING COUNT(*) > 1"
        )
    ).fetchall()
    if twins:
        listed = "; ".join(f"audit {row[0]}, cycle {row[1]}: {row[2]} audits" for row in twins)
        raise RuntimeError(
            "More than one audit was started from the same audit for the same cycle "
            f"({listed}). Delete the unwanted copies, then upgrade again."
        )
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_audit_previous_audit_id'), ['previous_audit_id', 'cycle'])


def downgrade():
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_previous_audit_id'), type_='unique')
