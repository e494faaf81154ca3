"""The routing configuration (``data/config/routing.toml``) and the roster rows, validated."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from triage.domain import DISPUTE_TYPES, ORGANIZATIONS, RISK_LEVELS
from triage.risk.config import Deadline

WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


class CostWeights(BaseModel):
    """What an assignment costs besides the hard constraints; the solver minimizes the sum."""

    model_config = ConfigDict(extra="forbid")

    specialty: float = Field(default=3.0, ge=0)  # the case's type is not the mediator's specialty
    distance: float = Field(default=1.0, ge=0)  # per step: own village 0, town 1, district 2, beyond 3
    keep: float = Field(default=15.0, ge=0)  # the case leaves the mediator who had it
    load: float = Field(default=20.0, ge=0)  # grows with the square of the share of capacity used


class CoAgencyRule(BaseModel):
    """Agencies that join a case on a risk signal, or on one of the words as a whole term that
    no negation, hedge or question governs."""

    model_config = ConfigDict(extra="forbid")

    agencies: list[str] = Field(min_length=1)
    signals: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)
    reason: str
    examples: list[str] = Field(default_factory=list)  # texts that must bring the agencies in
    counter_examples: list[str] = Field(default_factory=list)  # texts that must not

    @model_validator(mode="after")
    def _some(self) -> CoAgencyRule:
        if not self.signals and not self.words:
            raise ValueError(f"rule {self.reason!r} names neither signals nor words")
        return self


class FollowUpStep(BaseModel):
    """One follow-up task of a level, due a deadline after the case reached the level; the
    first task of a level is due at the level's deadline in the risk lexicon unless it sets one."""

    model_config = ConfigDict(extra="forbid")

    task: str = Field(min_length=1)
    hours: float | None = Field(default=None, gt=0)
    days: float | None = Field(default=None, gt=0)
    working_days: int | None = Field(default=None, gt=0)
    joint: bool = False  # a joint consultation (会诊): names every agency taking part

    def deadline(self) -> Deadline | None:
        if self.hours is None and self.days is None and self.working_days is None:
            return None
        return Deadline(hours=self.hours, days=self.days, working_days=self.working_days)


class AlertConfig(BaseModel):
    """Who receives alerts (稳控共防) and how hard delivery tries."""

    model_config = ConfigDict(extra="forbid")

    # receiver (agency, mediator id, 调解员) → URL, or env:NAME for a URL that holds a key
    receivers: dict[str, str] = Field(default_factory=dict)
    case_url: str = "triage risk show {case_id}"  # the link to the case an alert carries
    attempts: int = Field(default=5, ge=1)  # then the delivery is listed as undelivered
    backoff_seconds: float = Field(default=30.0, ge=0)  # doubled after each failure
    timeout_seconds: float = Field(default=5.0, gt=0)

    @field_validator("receivers")
    @classmethod
    def _urls(cls, v: dict[str, str]) -> dict[str, str]:
        bad = [k for k, url in v.items() if not re.match(r"https?://|env:[A-Za-z_][A-Za-z0-9_]*$", url)]
        if bad:
            raise ValueError(f"[alerts.receivers] need http(s) URLs or env:VARIABLE: {bad}")
        return v


class RoutingConfig(BaseModel):
    """``data/config/routing.toml``, validated."""

    model_config = ConfigDict(extra="forbid")

    weights: CostWeights = Field(default_factory=CostWeights)
    co_agency: list[CoAgencyRule]
    response: dict[str, str] = Field(default_factory=dict)  # level → 四诊 response (坐诊 … 急诊)
    follow_up: dict[str, list[FollowUpStep]]
    alerts: AlertConfig = Field(default_factory=AlertConfig)

    @field_validator("follow_up", "response")
    @classmethod
    def _levels(cls, v: dict[str, object]) -> dict[str, object]:
        unknown = sorted(set(v) - set(RISK_LEVELS))
        if unknown:
            raise ValueError(f"unknown levels {unknown}; levels are {'、'.join(RISK_LEVELS)}")
        return v


class MediatorSpec(BaseModel):
    """One roster row (``data/rosters/mediators.csv``), validated."""

    mediator_id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    phone: str | None = None
    organization: str | None = None
    org_kind: str = "调委会"
    town: str
    district: str | None = None
    villages: list[str]
    village_codes: list[str] = Field(default_factory=list)
    home_village: str | None = None  # where the mediator sits; none: the town's office
    home_code: str | None = None
    specialties: list[str] = Field(default_factory=list)
    max_level: str = "红"
    levels: list[str] = Field(default_factory=list)  # the levels taken; default: up to max_level
    capacity: int = Field(default=20, gt=0)
    active: bool = True
    off_days: list[int] = Field(default_factory=list)  # weekdays, Monday 0
    leave: list[tuple[date, date]] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    # where the mediator's work list goes: the organization's workbook, a sheet each (按单位, the
    # default), a workbook of their own (按人), or a named workbook shared by several
    # organizations, e.g. every village committee of a town (北七家镇村居调委会)
    worklist: str = "organization"

    @field_validator("worklist", mode="before")
    @classmethod
    def _worklist(cls, v: object) -> object:
        text = str(v or "").strip()
        return {"按单位": "organization", "": "organization", "按人": "mediator"}.get(text, text)

    @field_validator("specialties")
    @classmethod
    def _types(cls, v: list[str]) -> list[str]:
        bad = [s for s in v if s not in DISPUTE_TYPES]
        if bad:
            raise ValueError(f"specialties not in the taxonomy: {bad}; use {'、'.join(DISPUTE_TYPES)}")
        return v

    @field_validator("org_kind")
    @classmethod
    def _org(cls, v: str) -> str:
        if v not in ORGANIZATIONS:
            raise ValueError(f"org_kind {v!r} is none of {'、'.join(ORGANIZATIONS)}")
        return v

    @field_validator("max_level")
    @classmethod
    def _level(cls, v: str) -> str:
        if v not in RISK_LEVELS:
            raise ValueError(f"max_level must be one of {'、'.join(RISK_LEVELS)}")
        return v

    @field_validator("off_days", mode="before")
    @classmethod
    def _weekdays(cls, v: object) -> object:
        if isinstance(v, str):
            v = [d for d in re.split(r"[|,，、\s]+", v) if d]
        if isinstance(v, list):
            out = []
            for d in v:
                key = str(d).removeprefix("周").removeprefix("星期")
                if key not in WEEKDAYS:
                    raise ValueError(f"off_days: {d!r} is not a weekday (周一 … 周日)")
                out.append(WEEKDAYS[key])
            return out
        return v

    @field_validator("leave", mode="before")
    @classmethod
    def _leave(cls, v: object) -> object:
        if not isinstance(v, str):
            return v
        spans = []
        for part in (p for p in re.split(r"[|,，;；\s]+", v) if p):
            ends = re.split(r"~|～|至|/", part)
            try:
                first, last = date.fromisoformat(ends[0]), date.fromisoformat(ends[-1])
            except ValueError:
                raise ValueError(f"leave: {part!r} is not a date or a range "
                                 "like 2026-12-01~2026-12-10") from None
            if last < first or len(ends) > 2:
                raise ValueError(f"leave: {part!r} ends before it starts")
            spans.append((first, last))
        return spans

    @model_validator(mode="after")
    def _levels_taken(self) -> MediatorSpec:
        bad = [lvl for lvl in self.levels if lvl not in RISK_LEVELS]
        if bad:
            raise ValueError(f"levels {bad} are not risk levels ({'、'.join(RISK_LEVELS)})")
        if not self.levels:
            self.levels = list(RISK_LEVELS[:RISK_LEVELS.index(self.max_level) + 1])
        else:
            self.max_level = max(self.levels, key=RISK_LEVELS.index)
        if self.home_village is None and len(self.villages) == 1:
            self.home_village = self.villages[0]
        return self

    def takes(self, level: str) -> bool:
        return level in self.levels

    def absent(self, day: date) -> str | None:
        """Why the mediator cannot take a case on ``day`` (no longer on duty, on leave, an off
        day), or None."""
        if not self.active:
            return "不在岗"
        for first, last in self.leave:
            if first <= day <= last:
                return f"休假（{first:%m-%d}至{last:%m-%d}）"
        if day.weekday() in self.off_days:
            return "今日轮休"
        return None

    def away(self, day: date) -> str | None:
        """Why the mediator's open cases must move to someone else: off duty or on leave (an
        off day does not move them)."""
        why = self.absent(day)
        return None if why == "今日轮休" else why


def with_web_leave(mediators: Sequence[MediatorSpec],
                   extra: Mapping[str, Sequence[tuple[date, date]]]) -> list[MediatorSpec]:
    """The roster with leave marked on the workbench added to each mediator's own."""
    if not extra:
        return list(mediators)
    return [m.model_copy(update={"leave": [*m.leave, *extra[m.mediator_id]]})
            if m.mediator_id in extra else m for m in mediators]
