"""An index on case (risk_level, status): the workbench's today page reads the few red and
orange cases among many

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""
from typing import Sequence, Union

from alembic import op

revision: str = '0011'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_case_level_status', 'case', ['risk_level', 'status'])


def downgrade() -> None:
    op.drop_index('ix_case_level_status', table_name='case')
