"""Risk scoring against the independent sentence bank (``tests/risk_bank/bank.jsonl``).

    python bench/risk_bank.py                    # both halves
    python bench/risk_bank.py --misses 40        # and the misses of the development half
    python bench/risk_bank.py --bank tests/risk_bank8/bank.jsonl   # the newest bank: odd ids held out

Whoever tunes the lexicon looks at the development half only (even ids) and reports
the held-out half (odd ids) as the measure: the bank stays text nobody fitted to.

The bank was written from the policy of issue 11 alone by someone who had read
neither the lexicon nor the detection code; see its README. Each sentence is
scored as a one-lead case on its text alone, and compared with its label:
- per signal: the share of sentences carrying it whose level reaches the level the
  signal gives (a red-flag signal must make the sentence 红);
- on the negated, hedged and decoy sentences: the share scored above their label;
- exact level agreement, and 红 recall and precision.
"""

from __future__ import annotations

import argparse
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
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--misses", type=int, default=0, help="show this many misses of the even half")
    ap.add_argument("--bank", type=Path, default=BANK, help="the bank to score (JSON lines)")
    ap.add_argument("--misses-of", choices=("even", "all"), default="even",
                    help="whose misses --misses shows: the development half, or all (a bank "
                         "already spent as held-out)")
    args = ap.parse_args()
    scorer = RiskScorer(load_config(REPO_DATA).risk)
    rows = [json.loads(line) for line in args.bank.read_text("utf-8").splitlines() if line.strip()]
    # a document whose level comes from the case's other leads (escalation, a third lead)
    # cannot be judged on its own text
    rows = [r for r in rows if r.get("needs") != "case"]
    for name, part in (("all", rows), ("development (even ids)", [r for r in rows if _even(r)]),
                       ("held out (odd ids)", [r for r in rows if not _even(r)])):
        print(f"== {name}")
        report(scorer, part)
    shown = 0
    for r in rows:
        if shown >= args.misses or (args.misses_of == "even" and not _even(r)):
            continue
        a = scorer.score([{"id": 1, "description": r["text"]}])
        if a.level != r["level"]:
            shown += 1
            print(f"{r['id']} want {r['level']} {r['signals']} got {a.level} "
                  f"{[(s['signal'], s['evidence'][0]['words']) for s in a.signals]}: {r['text']}")


def _even(row: dict[str, object]) -> bool:
    return int(str(row["id"])[1:]) % 2 == 0


def report(scorer: RiskScorer, rows: list[dict[str, object]]) -> None:
    rank = RISK_LEVELS.index
    reached, carried, over, quiet = Counter(), Counter(), 0, 0
    exact = red_tp = red_pred = red_true = 0
    for r in rows:
        got = scorer.score([{"id": 1, "description": r["text"]}]).level  # type: ignore[dict-item]
        exact += got == r["level"]
        red_tp += got == "红" == r["level"]
        red_pred += got == "红"
        red_true += r["level"] == "红"
        for s in r["signals"]:
            if s in LEVEL_OF:
                carried[s] += 1
                reached[s] += rank(got) >= rank(LEVEL_OF[s])
        # a document below 红 counts with the quiet sentences: scored above its label is a false signal
        if r["kind"] in ("negated", "hedged", "decoy") or (r["kind"] == "document" and r["level"] != "红"):
            quiet += 1
            over += rank(got) > rank(r["level"])
    print(f"{len(rows)} sentences; exact level {exact / len(rows):.3f}; 红 recall "
          f"{red_tp / max(red_true, 1):.3f}, precision {red_tp / max(red_pred, 1):.3f}")
    print(f"negated, hedged or decoy (or a document below 红) scored above their label: "
          f"{over}/{quiet} = {over / max(quiet, 1):.3f}")
    for s in LEVEL_OF:
        if carried[s]:
            print(f"  {s:<14} {reached[s]:>4}/{carried[s]:<4} reach {LEVEL_OF[s]}: {reached[s] / carried[s]:.3f}")


if __name__ == "__main__":
    main()
