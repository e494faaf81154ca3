"""The hard constraints: who may take a case at all (jurisdiction, level, availability), and
in words, why nobody may."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from triage.routing.cases import CaseToRoute
from triage.routing.config import MediatorSpec


class Eligibility:
    """The roster indexed by the places each mediator covers, for one day's availability."""

    def __init__(self, mediators: Sequence[MediatorSpec], day: date) -> None:
        self.mediators = {m.mediator_id: m for m in mediators}
        self.day = day
        self._by_village: dict[str, list[MediatorSpec]] = defaultdict(list)
        self._by_town: dict[str, list[MediatorSpec]] = defaultdict(list)
        for m in sorted(mediators, key=lambda m: m.mediator_id):
            for code in m.village_codes:
                self._by_village[code].append(m)
            if len(m.village_codes) > 1:  # a town-level mediator also takes a case placed
                self._by_town[m.town].append(m)  # in the town but in no known village

    def covering(self, case: CaseToRoute) -> list[MediatorSpec]:
        """Mediators whose jurisdiction (属地) holds the case's place."""
        if case.village_code is not None:
            return self._by_village.get(case.village_code, [])
        return self._by_town.get(case.town or "", [])

    def eligible(self, case: CaseToRoute) -> tuple[list[MediatorSpec], str | None]:
        """Who may take the case today, or nobody and the reason in Chinese."""
        place = case.village or case.town or "该地"
        covering = self.covering(case)
        if not covering:
            return [], f"名册中无人负责{place}，请补充名册或人工指派"
        level_ok = [m for m in covering if m.takes(case.level)]
        if not level_ok:
            return [], f"{place}无可承接{case.level}色案件的调解员"
        present = [m for m in level_ok if m.absent(self.day) is None]
        if not present:
            away = "；".join(f"{m.name}{m.absent(self.day)}" for m in level_ok[:4])
            return [], f"{place}可承接{case.level}色案件的调解员今日均不能接案（{away}）"
        return present, None

    def keeps(self, case: CaseToRoute, mediator_id: str | None) -> str | None:
        """Why a case cannot stay with the mediator it has (gone from the roster, away, out of
        jurisdiction, level above theirs), or None when it can."""
        m = self.mediators.get(mediator_id or "")
        if m is None:
            return "原调解员已不在名册"
        if (why := m.away(self.day)) is not None:
            return f"原调解员{m.name}{why}"
        if m not in self.covering(case):
            return f"案件地点已不属原调解员{m.name}负责"
        if not m.takes(case.level):
            return f"案件升为{case.level}色，超出原调解员{m.name}可承接的等级"
        return None
