"""raw_row_repeat: which lead a repeated raw row repeated (lineage for forgetting a person)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'raw_row_repeat',
        sa.Column('raw_row_id', sa.Integer(), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['lead_id'], ['lead.id']),
        sa.ForeignKeyConstraint(['raw_row_id'], ['raw_row.id']),
        sa.PrimaryKeyConstraint('raw_row_id'),
    )
    op.create_index(op.f('ix_raw_row_repeat_lead_id'), 'raw_row_repeat', ['lead_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_raw_row_repeat_lead_id'), table_name='raw_row_repeat')
    op.drop_table('raw_row_repeat')
