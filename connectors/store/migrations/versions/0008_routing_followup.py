"""routing and follow-up: route status and referral, cost, decisions, task levels, case
outcome, roster availability, and the alert outbox

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
    with op.batch_alter_table('assignment') as batch:
        batch.add_column(sa.Column('route_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                   server_default='assigned'))
        batch.add_column(sa.Column('referred_to', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))
        batch.add_column(sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True))
        batch.add_column(sa.Column('cost', json, nullable=True))
        batch.add_column(sa.Column('route_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column('rejected_agencies', json, nullable=True))
        batch.add_column(sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch.add_column(sa.Column('decided_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('decision_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.execute("UPDATE assignment SET route_status = 'unroutable' WHERE mediator_id IS NULL")
    with op.batch_alter_table('follow_up_task') as batch:
        batch.add_column(sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True))
        batch.add_column(sa.Column('level_since', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('done_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('done_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch.add_column(sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column('due_set_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch.add_column(sa.Column('due_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    with op.batch_alter_table('case') as batch:
        batch.add_column(sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('closed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch.add_column(sa.Column('close_note', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    with op.batch_alter_table('mediator') as batch:
        batch.add_column(sa.Column('org_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch.add_column(sa.Column('levels', json, nullable=True))
        batch.add_column(sa.Column('home_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True))
        batch.add_column(sa.Column('off_days', json, nullable=True))
        batch.add_column(sa.Column('leave', json, nullable=True))
        batch.add_column(sa.Column('languages', json, nullable=True))
    op.create_table(
        'alert_delivery',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('alert_id', sa.Integer(), sa.ForeignKey('alert.id'), nullable=False),
        sa.Column('receiver', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column('delivered_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.UniqueConstraint('alert_id', 'receiver', name='uq_alert_delivery_receiver'),
    )
    op.create_index('ix_alert_delivery_alert_id', 'alert_delivery', ['alert_id'])


def downgrade() -> None:
    op.drop_index('ix_alert_delivery_alert_id', 'alert_delivery')
    op.drop_table('alert_delivery')
    with op.batch_alter_table('mediator') as batch:
        for c in ('languages', 'leave', 'off_days', 'home_code', 'levels', 'org_kind'):
            batch.drop_column(c)
    with op.batch_alter_table('case') as batch:
        for c in ('close_note', 'closed_by', 'closed_at', 'outcome'):
            batch.drop_column(c)
    with op.batch_alter_table('follow_up_task') as batch:
        for c in ('due_reason', 'due_set_by', 'note', 'done_by', 'done_at', 'level_since', 'level'):
            batch.drop_column(c)
    with op.batch_alter_table('assignment') as batch:
        for c in ('decision_reason', 'decided_at', 'decided_by', 'rejected_agencies',
                  'route_reason', 'cost', 'level', 'referred_to', 'route_status'):
            batch.drop_column(c)
