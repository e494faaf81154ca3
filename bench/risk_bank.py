"""Risk scoring against the independent sentence bank (``tests/risk_bank/bank.jsonl``).

    python bench/risk_bank.py

The bank was written from the policy of issue 11 alone by someone who had read
neither the lexicon nor the detection code; see its README. Each sentence is
scored as a one-lead case on its text alone, and compared with its label:
- per signal: the share of sentences carrying it whose level reaches the level the
  signal gives (a red-flag signal must make the sentence 红);
- on the negated, hedged and decoy sentences: the share scored above their label;
- exact level agreement, and 红 recall and precision.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from connectors.config import load_config
from connectors.settings import REPO_DATA
from triage.domain import RISK_LEVELS
from triage.risk import RiskScorer

BANK = Path(__file__).resolve().parent.parent / "tests" / "risk_bank" / "bank.jsonl"
LEVEL_OF = {"threat": "红", "weapon": "红", "suicide": "红", "dv_injury": "红", "strangulation": "红",
            "order_breach": "红", "dv": "橙", "physical": "橙", "collective": "橙", "repeat_skip": "橙",
            "heated": "黄"}


def main() -> None:
    scorer = RiskScorer(load_config(REPO_DATA).risk)
    rows = [json.loads(line) for line in BANK.read_text("utf-8").splitlines() if line.strip()]
    rank = RISK_LEVELS.index
    reached, carried, over, quiet = Counter(), Counter(), 0, 0
    exact = red_tp = red_pred = red_true = 0
    for r in rows:
        got = scorer.score([{"id": 1, "description": r["text"]}]).level
        exact += got == r["level"]
        red_tp += got == "红" == r["level"]
        red_pred += got == "红"
        red_true += r["level"] == "红"
        for s in r["signals"]:
            if s in LEVEL_OF:
                carried[s] += 1
                reached[s] += rank(got) >= rank(LEVEL_OF[s])
        if r["kind"] in ("negated", "hedged", "decoy"):
            quiet += 1
            over += rank(got) > rank(r["level"])
    print(f"{len(rows)} sentences; exact level {exact / len(rows):.3f}; 红 recall {red_tp / red_true:.3f}, "
          f"precision {red_tp / max(red_pred, 1):.3f}")
    print(f"negated, hedged or decoy scored above their label: {over}/{quiet} = {over / quiet:.3f}")
    for s in LEVEL_OF:
        print(f"  {s:<14} {reached[s]:>4}/{carried[s]:<4} reach {LEVEL_OF[s]}: {reached[s] / carried[s]:.3f}")


if __name__ == "__main__":
    main()
