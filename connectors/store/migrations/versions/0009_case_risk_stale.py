"""case.risk_stale: linking changed the case since it was scored; risk_assessment.as_of: the
present its time rules were measured against (a night scores only the cases these say)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('case') as batch:
        batch.add_column(sa.Column('risk_stale', sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
    with op.batch_alter_table('risk_assessment') as batch:
        batch.add_column(sa.Column('as_of', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('risk_assessment') as batch:
        batch.drop_column('as_of')
    with op.batch_alter_table('case') as batch:
        batch.drop_column('risk_stale')
