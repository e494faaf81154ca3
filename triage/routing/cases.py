"""What the router knows of a case, and what it decides: the route."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CaseToRoute:
    """An open case as routing sees it."""

    case_id: str
    village_code: str | None
    town: str | None
    dispute_type: str
    level: str
    signals: tuple[str, ...] = ()
    text: str = ""
    district: str | None = None
    village: str | None = None
    previous: str | None = None  # the mediator who had the case, kept when the cost allows


@dataclass
class Route:
    """Where a case goes: a lead mediator (assigned), another town's office (referred), or a
    coordinator with the reason nobody fits (unroutable); with the co-agencies and the why."""

    case_id: str
    status: str  # assigned | referred | unroutable
    mediator_id: str | None = None
    referred_to: str | None = None
    co_agencies: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    cost: dict[str, float] = field(default_factory=dict)
    runners_up: list[dict[str, Any]] = field(default_factory=list)
