"""lead: drop the indexes on reporter_phone, reporter_id and village_code

No query looks leads up by these columns (every stage reads the lead table whole),
while each index costs a random-page write for every lead ingested: together about a
third of the time SQLite spends inserting a lead. The unique (source, source_ref)
index, reported_at and the person_id foreign key stay indexed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""
from typing import Sequence, Union

from alembic import op

revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DROPPED = (('ix_lead_reporter_id', 'reporter_id'), ('ix_lead_reporter_phone', 'reporter_phone'),
           ('ix_lead_village_code', 'village_code'))


def upgrade() -> None:
    for name, _ in DROPPED:
        op.drop_index(name, table_name='lead')


def downgrade() -> None:
    for name, column in DROPPED:
        op.create_index(name, 'lead', [column], unique=False)
