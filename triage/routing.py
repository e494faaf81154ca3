"""Route each case to a lead mediator and the co-agencies that must take part.

The mediator is chosen by jurisdiction (属地), specialty, risk tier and current
load; every choice records why, with the runners-up, so a coordinator can
confirm or change it knowingly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field, field_validator

from triage.domain import DISPUTE_TYPES, RISK_LEVELS


class RoutingWeights(BaseModel):
    village: float = 3.0
    town: float = 1.0
    specialty: float = 2.0
    free_capacity: float = 2.0
    high_risk_professional: float = 2.0


class CoAgencyRule(BaseModel):
    agencies: list[str] = Field(min_length=1)
    signals: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)
    reason: str


class FollowUpStep(BaseModel):
    task: str
    hours: int = Field(gt=0)


class RoutingConfig(BaseModel):
    """``data/config/routing.toml``, validated."""

    weights: RoutingWeights
    co_agency: list[CoAgencyRule]
    follow_up: dict[str, list[FollowUpStep]]

    @field_validator("follow_up")
    @classmethod
    def _levels(cls, v: dict[str, list[FollowUpStep]]) -> dict[str, list[FollowUpStep]]:
        unknown = sorted(set(v) - set(RISK_LEVELS))
        if unknown:
            raise ValueError(f"[follow_up] has unknown levels {unknown}")
        return v


class MediatorSpec(BaseModel):
    """One roster row (``data/rosters/mediators.csv``), validated."""

    mediator_id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    phone: str | None = None
    organization: str | None = None
    town: str
    villages: list[str]
    village_codes: list[str] = Field(default_factory=list)
    specialties: list[str] = Field(default_factory=list)
    max_level: str = "红"
    capacity: int = Field(default=20, gt=0)
    active: bool = True

    @field_validator("specialties")
    @classmethod
    def _types(cls, v: list[str]) -> list[str]:
        bad = [s for s in v if s not in DISPUTE_TYPES]
        if bad:
            raise ValueError(f"specialties not in the taxonomy: {bad}")
        return v

    @field_validator("max_level")
    @classmethod
    def _level(cls, v: str) -> str:
        if v not in RISK_LEVELS:
            raise ValueError(f"max_level must be one of {RISK_LEVELS}")
        return v


@dataclass(frozen=True)
class CaseToRoute:
    case_id: str
    village_code: str | None
    town: str | None
    dispute_type: str
    level: str
    signals: tuple[str, ...] = ()
    text: str = ""


@dataclass
class Route:
    case_id: str
    mediator_id: str | None
    co_agencies: list[str]
    reasons: list[str]
    runners_up: list[dict[str, Any]] = field(default_factory=list)


def current_load(assignments: Iterable[tuple[str, str | None]],
                 rerouted: Iterable[str] = ()) -> Counter[str]:
    """Open cases per mediator, from the current (case, mediator) assignments.

    A case being routed again does not count against the mediator it had: its
    proposal is replaced, not added to.
    """
    skip = set(rerouted)
    return Counter(m for c, m in assignments if m is not None and c not in skip)


def needs_routing(case_id: str, confirmed: Set[str]) -> bool:
    """Whether a case is (re-)routed this run: every open case not confirmed by a coordinator."""
    return case_id not in confirmed


def co_agencies_for(case: CaseToRoute, rules: Sequence[CoAgencyRule]) -> tuple[list[str], list[str]]:
    """Agencies that must join, and why."""
    agencies: list[str] = []
    reasons: list[str] = []
    for rule in rules:
        hit = set(rule.signals) & set(case.signals) or any(w in case.text for w in rule.words)
        if not hit:
            continue
        new = [a for a in rule.agencies if a not in agencies]
        agencies.extend(new)
        reasons.append(f"{rule.reason} → {'、'.join(rule.agencies)}")
    return agencies, reasons


def _rank(level: str) -> int:
    return RISK_LEVELS.index(level)


def route_cases(
    cases: Iterable[CaseToRoute], mediators: Sequence[MediatorSpec], cfg: RoutingConfig,
    load: Mapping[str, int] | None = None,
) -> list[Route]:
    """Route cases highest risk first, so the scarce senior mediators go where needed."""
    current = dict(load or {})
    w = cfg.weights
    active = [m for m in mediators if m.active]
    routes = []
    for case in sorted(cases, key=lambda c: (-_rank(c.level), c.case_id)):
        agencies, agency_reasons = co_agencies_for(case, cfg.co_agency)
        scored: list[tuple[float, int, str, list[str]]] = []
        for m in active:
            village = case.village_code is not None and case.village_code in m.village_codes
            whole_town = case.town is not None and m.town == case.town and len(m.villages) > 1
            if not (village or (whole_town and case.village_code is None)):
                continue
            if _rank(m.max_level) < _rank(case.level):
                continue
            why = []
            pts = 0.0
            specific = len(m.village_codes) <= 3
            if village and specific:
                pts += w.village
                why.append(f"属地：负责{case.town or ''}本村/社区")
            elif village or whole_town:
                pts += w.town
                why.append(f"属地：负责{m.town}全镇/街道")
            if case.dispute_type in m.specialties:
                pts += w.specialty
                why.append(f"专长：{case.dispute_type}")
            if _rank(case.level) >= _rank("橙") and m.max_level == "红":
                pts += w.high_risk_professional
                why.append(f"{case.level}色案件由可处理红色风险的调解员负责")
            used = current.get(m.mediator_id, 0)
            free = max(0.0, 1 - used / m.capacity)
            pts += w.free_capacity * free
            why.append(f"当前负荷 {used}/{m.capacity}")
            scored.append((pts, used, m.mediator_id, why))
        scored.sort(key=lambda t: (-t[0], t[1], t[2]))
        if not scored:
            routes.append(Route(case.case_id, None, agencies,
                                ["无符合属地和风险等级的调解员，需协调员人工指派", *agency_reasons]))
            continue
        best = scored[0]
        current[best[2]] = current.get(best[2], 0) + 1
        runners = [{"mediator_id": mid, "score": round(p, 2), "why": wy}
                   for p, _u, mid, wy in scored[1:3]]
        routes.append(Route(case.case_id, best[2], agencies,
                            [f"得分 {best[0]:.2f}", *best[3], *agency_reasons], runners))
    return routes
