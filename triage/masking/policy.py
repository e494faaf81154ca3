"""The masking policy (``data/config/masking.toml``): what each kind of receiver may see.

For every field kind a receiver sees the value in full, masked (``138****5678``,
``110114********1234``, ``王**``, the address to its village or building) or not at
all (``absent``). Free text follows the same choice per kind of personal data it
holds, so a receiver that gets masked phones never reads a full one in a
description either.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from triage.domain import SOURCES

Visibility = Literal["full", "masked", "absent"]
KINDS = ("name", "phone", "id_number", "address", "plate", "text")
# Receivers every deployment has: the outputs write for each of them.
REQUIRED = ("judicial_office", "mediator", "briefing", "export", *SOURCES)


class ReceiverPolicy(BaseModel):
    """One kind of receiver: a visibility per field kind, and what else it is entitled to."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1)  # the receiver as people call it: 派出所, 12345 热线 …
    name: Visibility = "masked"
    phone: Visibility = "absent"
    id_number: Visibility = "absent"
    address: Visibility = "masked"
    plate: Visibility = "masked"
    text: Visibility = "masked"  # descriptions, dispositions and the quotes of risk evidence
    dv_details: bool = False  # descriptions and evidence of domestic-violence cases
    own_records: bool = True  # an agency reads its own leads as it wrote them

    def visibility(self, kind: str) -> Visibility:
        return getattr(self, kind)  # type: ignore[no-any-return]


class MaskingPolicy(BaseModel):
    """Every receiver's policy, and the risk signals that make a case one of domestic violence."""

    model_config = ConfigDict(extra="forbid")

    receivers: dict[str, ReceiverPolicy]
    dv_signals: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _every_receiver(self) -> MaskingPolicy:
        missing = [r for r in REQUIRED if r not in self.receivers]
        if missing:
            raise ValueError(f"缺少接收方：{'、'.join(missing)}（每个输出都要有自己的规则）")
        return self

    def for_receiver(self, receiver: str) -> ReceiverPolicy:
        try:
            return self.receivers[receiver]
        except KeyError:
            known = "、".join(self.receivers)
            raise KeyError(f"masking.toml 没有接收方 {receiver!r}（已有：{known}）") from None
