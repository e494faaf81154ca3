"""Text signals: frames over named word lists, with negation scope, hedges and decoys.

A signal's patterns are built from the word lists of ``data/lexicons/risk.toml``
(``{cue}.{0,12}{harm}``: a threat cue, then a harm), with context a signal requires
or excludes in the lead (a family relation for domestic violence). Every match in a
clause is examined. A match does not count when a negation governs it (没有动手,
否认扬言, 双方无肢体冲突): the scope of a negation runs from it to the end of its part
of the clause, which ends at a turn such as 但, 随后 or 就. Words that merely contain
a negation character (无故, 未成年, 不是第一次) negate nothing. Hedges (担心, 怕, 如果)
make what follows them in their part of the clause no signal: fear is a reason to
follow up, not a threat. Decoys (跳楼价, 砍价, 打官司, 气死我了) are blanked before
anything is matched. Each hit records the actor and the target as the text names
them (对方, 其丈夫, 来电人, 李某), when it does.

What is no fact of the case fires nothing: a question, a story or hearsay, what a
refutation denies (as far back as what it names is grave), the words of a law, a party's
claim a finding answers, and history (long ago, over since, or dated two years before the
lead). A consequence is read with its condition (要是……，我就……). Only the patterns
whose literal anchors are in a text are run (``triage.risk.anchors``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from triage.risk.anchors import Prefilter, guarded, starts_known
from triage.risk.config import RiskConfig

CLAUSE = re.compile(r"[^，,。；;！!？?\n]+")
QUOTE = re.compile(r"[“「『\"][^”」』\"\n]{1,80}[”」』\"]")
INNER_STOP = re.compile(r"[，,。；;！!？?]")
META = re.compile(r"[.()\[\]{}*+?|\\^$]")
SENTENCE = re.compile(r"[^。！!？?\n]+[。！!？?]*")
BLANK = "□"  # stands for a decoy's or a pseudo-negation's characters, keeping positions
NAMED = r"[\u4e00-\u9fff]某+"  # 李某, 王某某: how agencies write a person
# a clause that is the consequence of the one before it: 他就, 我便, 否则
CONSEQUENT = re.compile(r"\s*[^，,。；;！!？?\n]{0,4}?(?:就|便|否则|不然|要不然)")
# a party's claim, as judgments and registers put it (原告诉称：, 被告辩称, 申请人称)
CLAIMED = re.compile(r"\s*(?:原告|被告|申请人|被申请人|上诉人|被上诉人|第三人|来访人|信访人)?"
                     r"[^，。；：:]{0,6}?(?:诉称|辩称|称|主张|陈述)")
# a finding that answers a claim, naming what it answers (原告主张家庭暴力证据不足)
FINDING = re.compile(r"(?:主张|所称|所述|诉称|反映)(?P<topic>[^，。；]{0,16}?)[，,]?"
                     r"(?:证据不足|不予认定|不予采信|不能成立|缺乏(?:事实)?依据|无证据(?:证明|证实)?|查无实据)")
# an event told as once having happened (曾, 曾经, 以前; not the surname 曾某)
ONCE = re.compile(r"曾(?!某)|以前|过去|早年")
BANS = ("order",)  # word lists whose negations are a court's ban, not part of the word
YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})年")
PRESENT = re.compile(r"今年|本月|这个月|近日|近期|最近|昨天|昨晚|今天|今晚|当天|目前|现在|如今|上周|本周|这几天|前几天")
YEARS_AGO = 2  # a clause of a year this much older than the newest the text names is history
CLAUSE_STOPS = "，,；;：:"
CJK = re.compile(r"[\u4e00-\u9fff]")
OBJECT_CHARS = 2  # a denial followed by this many characters in its clause denies those, not what came before
UNNAMED_GRAVITY = 2  # a denial whose object names no signal denies physical contact and worse
NOTHING_DENIED = 99  # the least severity denied where no span denies anything
# the claim a refutation answers, named in its own clause (not 该主张, which points back)
CLAIM = re.compile(r"关于[^，,。；;]{2,24}的(?:主张|诉请|请求|诉讼请求|说法|陈述)")
# what a denial's object is when it points back at what was said (并未说过此话, 无轻生意图)
BACK = re.compile(r"(?:此|该|这|那|上述|前述|类似|相关|意图|意思|之意|念头|想法|打算|说法|行为)")


@dataclass
class Hit:
    """One signal found in one lead, with its evidence (lead, words, clause, actor ...)."""

    signal: str
    points: float
    red_flag: bool
    severity: int
    evidence: dict[str, Any]


def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({w for w in words if w}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


def _reaches(least: int, severity: int) -> bool:
    """Whether a denial of ``least`` severity and up denies a signal: one as grave, or one
    ungraded (severity 0) wherever anything is denied."""
    return severity >= least or (severity == 0 and least < NOTHING_DENIED)


def _regexes(patterns: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern of several regular expressions (``scenes``, ``resolved`` …), or None."""
    patterns = [p for p in patterns if p]
    return guarded("|".join(f"(?:{p})" for p in patterns)) if patterns else None


class TextSignals:
    """Finds the text signals of descriptions; built once per run from the configuration."""

    def __init__(self, cfg: RiskConfig) -> None:
        def compiled(patterns: Iterable[str]) -> list[re.Pattern[str]]:
            return [re.compile(cfg.expand(p)) for p in patterns]

        # per signal: its patterns, and the context it requires and excludes in the text
        self._signals = [(s, compiled(s.patterns), compiled(s.requires), compiled(s.unless))
                         for s in cfg.signal]
        # every signal pattern in one list, with the signal it belongs to, for the prefilter
        self._flat = [(k, p) for k, (_, patterns, _, _) in enumerate(self._signals) for p in patterns]
        self._prefilter = Prefilter([p for _, p in self._flat])
        neg = cfg.negation
        # decoys that can start anywhere (a form's field name before 否) would undo the guard of
        # the rest: they are run apart, and only on a text that holds their anchors
        starts = [d for d in cfg.decoys if starts_known(d)]
        loose = [d for d in cfg.decoys if not starts_known(d)]
        self._decoys = guarded("|".join(f"(?:{d})" for d in starts)) if starts else None
        self._loose_decoys = [(p, Prefilter([p])) for p in map(re.compile, loose)]
        self._negation = _alternation(neg.words)
        # a listed word with a negation in it (跑不了, 不得好死, 活着没意思) negates nothing:
        # whoever listed it meant the whole word
        listed = [w for ws in cfg.words.values() for w in ws if not META.search(w)
                  and any(n in w for n in neg.words)]
        # ... and so did whoever wrote one as a pattern (熬不下去了?, 连人带.{0,4}没了): where
        # such a pattern matches, its negation is its own
        # (not a court's ban, 不得接近: that negation is the order's, and what follows it is banned)
        self._pseudo_patterns = _regexes(cfg.expand(w) for key, ws in cfg.words.items() for w in ws
                                         if key not in BANS and META.search(w)
                                         and any(n in w for n in neg.words))
        self._pseudo = _alternation([*neg.pseudo, *listed])
        self._hedges = _alternation(neg.hedges)
        self._boundaries = _alternation(neg.boundaries)
        self._not_turns = _alternation(neg.not_turns)
        self._refutations = _regexes(neg.refutations)
        self._past = _regexes(neg.past)
        self._scenes = _regexes(neg.scenes)
        self._resolved, self._relapse = _regexes(neg.resolved), _regexes(neg.relapse)
        self._conditional, self._advice = _regexes(neg.conditional), _regexes(neg.advice)
        self._speech = _regexes(neg.speech)
        self._law = _regexes(neg.law)
        people = sorted(cfg.words.get("person", []), key=len, reverse=True)
        self._person = re.compile("|".join([*(cfg.expand(p) for p in people), NAMED]))

    @staticmethod
    def _blank(pattern: re.Pattern[str] | None, text: str) -> str:
        return text if pattern is None else pattern.sub(lambda m: BLANK * len(m.group(0)), text)

    @staticmethod
    def _starts(pattern: re.Pattern[str] | None, text: str) -> list[int]:
        return [] if pattern is None else [m.start() for m in pattern.finditer(text)]

    @staticmethod
    def _quoted(text: str) -> str:
        """Punctuation inside a quotation made harmless (、), so what someone said stays one
        clause with the verb that says it: 他说“老东西，信不信我整死你”."""
        return QUOTE.sub(lambda m: INNER_STOP.sub("、", m.group(0)), text)

    def _denied(self, text: str, plain: str) -> list[tuple[int, int, int]]:
        """Spans whose words are no fact, each with the least severity it denies: a question
        (咨询：如果对方动手，要验伤吗？), or what a later refutation in the same sentence denies
        (所称“不想活”系误传)."""
        sentences = list(SENTENCE.finditer(text))
        over = [self._resolved_past(s.group(0)) for s in sentences]
        out = self._answered_claims(sentences, any(over))
        for s, is_over in zip(sentences, over, strict=True):
            body = s.group(0)
            # a scene word may be a decoy too (笑死我了): it is looked for before decoys are blanked
            if self._scene(plain[s.start():s.end()]) or is_over or self._what_if(body):
                out.append((*s.span(), 0))
                continue
            if body.rstrip().endswith(("？", "?", "吗")):
                # what is asked is its last clause; what the asker tells before it is told
                tail = max((i for i, ch in enumerate(body.rstrip()[:-1]) if ch in "，,；;"),
                           default=-1)
                out.append((s.start() + tail + 1, s.end(), 0))
                continue
            law = self._law.search(body) if self._law is not None else None
            if law is not None:
                out.append((s.start() + law.start(), s.end(), 0))
            if self._refutations is None:
                continue
            for m in self._refutations.finditer(body):
                if not self._negated_at(body, m.start()):
                    a, b, least = self._refuted(body, m)
                    out.append((s.start() + a, s.start() + b, least))
        return out

    def _answered_claims(self, sentences: Sequence[re.Match[str]], over: bool) -> list[tuple[int, int, int]]:
        """A party's claims (原告诉称……) that a finding elsewhere in the text answers (原告主张
        家庭暴力证据不足，不予认定): denied as far as what the finding names is grave; and an
        old event (原告2016年曾持刀……) that the text says has been over since (此后八年未发生
        冲突, ``over``): history."""
        out: list[tuple[int, int, int]] = []
        answers = [m for s in sentences for m in FINDING.finditer(s.group(0))]
        if answers:
            least = min(self._gravity(m.group("topic")) for m in answers)
            out += [(*s.span(), least) for s in sentences if CLAIMED.match(s.group(0))]
        if over:
            out += [(*s.span(), 0) for s in sentences if ONCE.search(s.group(0))
                    and (self._relapse is None or not self._relapse.search(s.group(0)))]
        return out

    def _refuted(self, sentence: str, m: re.Match[str]) -> tuple[int, int, int]:
        """What a refutation denies, as a span of the sentence and the least severity in it.

        Everything before it (所称“不想活”系误传), or only its own clause when that clause names
        the claim it answers (原告关于……的主张本院不予支持). A denial with an object of its own
        (均否认有推搡或殴打行为) denies what came before only as far as it is as grave as that
        object: the quarrel the parties admit before it stands."""
        clause = max((i + 1 for i, ch in enumerate(sentence[:m.start()]) if ch in CLAUSE_STOPS),
                     default=0)
        if CLAIM.search(sentence, clause, m.start()):
            return clause, m.start(), 0
        rest = sentence[m.end():]
        rest = rest[:next((i for i, ch in enumerate(rest) if ch in CLAUSE_STOPS), len(rest))]
        if (self._negation is not None and self._negation.search(m.group(0))
                and len(CJK.findall(rest)) >= OBJECT_CHARS and not BACK.match(rest.lstrip())):
            return 0, m.start(), self._gravity(rest)
        # a refutation that names what it denies (不会做傻事) denies that and what is as grave
        return 0, m.start(), self._gravity(m.group(0), unnamed=0)

    def _gravity(self, words: str, unnamed: int = UNNAMED_GRAVITY) -> int:
        """The least severity a denial of ``words`` reaches back to: that of the gravest signal
        found in them read as a bare statement, or ``unnamed`` when none is found (physical
        contact for 未说过狠话, 手中并无刀具: what it denies is more than a quarrel)."""
        return max((spec.severity for spec, patterns, _, _ in self._signals
                    if any(p.search(words) for p in patterns)), default=unnamed)

    @staticmethod
    def _year_of(text: str, lo: int, hi: int, sentences: Sequence[int]) -> int:
        """The year a clause tells of: the last year named in its sentence up to its end (0: none)."""
        if PRESENT.search(text, lo, hi):
            return 0  # 今年, 昨晚: the clause tells of now, whatever year came before it
        start = max((s for s in sentences if s <= lo), default=0)
        years = YEAR.findall(text, start, hi)
        return int(years[-1]) if years else 0

    @staticmethod
    def _clauses(text: str) -> list[tuple[int, int, list[int]]]:
        """The clauses of ``text`` as spans, a consequence joined to its condition (要是不还钱，
        我就弄死他: one clause), with the commas it was joined at (a negation's scope stops there)."""
        out: list[tuple[int, int, list[int]]] = []
        for m in CLAUSE.finditer(text):
            lo, hi = m.span()
            if (out and CONSEQUENT.match(text, lo) and out[-1][1] == lo - 1
                    and text[lo - 1] in "，,"):
                start, _, joints = out.pop()
                out.append((start, hi, [*joints, lo - 1]))
            else:
                out.append((lo, hi, []))
        return out

    def _scene(self, sentence: str) -> bool:
        """The sentence is a story, a joke or hearsay: a scene word not negated right before
        it (不是开玩笑 is no joke)."""
        if self._scenes is None:
            return False
        return any(not self._negated_at(sentence, m.start()) for m in self._scenes.finditer(sentence))

    def _resolved_past(self, sentence: str) -> bool:
        """It happened once and is over (戒酒后已经一年多没再发生过), and nothing says it is back."""
        return (self._resolved is not None and self._resolved.search(sentence) is not None
                and (self._relapse is None or self._relapse.search(sentence) is None))

    def _what_if(self, sentence: str) -> bool:
        """A what-if with advice (若一方日后以轻生相要挟，应立即联系社区): asked or advised, not told;
        a quotation or a retold saying (对方称如果不还钱就……) is a conditional threat instead."""
        if self._conditional is None or self._advice is None:
            return False
        bare = QUOTE.sub(lambda m: BLANK * len(m.group(0)), sentence)
        cond = self._conditional.search(bare)
        if cond is None or self._advice.search(bare, cond.end()) is None:
            return False
        return self._speech is None or self._speech.search(bare, 0, cond.start()) is None

    def _negated_at(self, text: str, at: int) -> bool:
        """A negation just before ``at`` (这不是开玩笑, 并非误传): the word it precedes is denied."""
        return self._negation is not None and self._negation.search(text[max(0, at - 3):at]) is not None

    @staticmethod
    def _governed(m: re.Match[str], markers: Sequence[int], cut: Sequence[int]) -> bool:
        """Whether a negation or hedge governs the match: it stands before the match's end
        (not as its first character) with no turn of the sentence in between."""
        return any(n != m.start() and n < m.end() and not any(n < b < m.end() for b in cut)
                   for n in markers)

    def _who(self, text: str, sentence: int, clause: int, start: int,
             end: int) -> tuple[str | None, str | None]:
        """The actor and the target as written: the actor is the last person named before
        the match in its clause, else one the match opens with, else the sentence's first
        (its subject carries over: 其丈夫酒后回家，手持菜刀堵门), else the first inside the
        match; the target is the next person named inside or just after the match."""
        found = [(m.start(), m.group(0)) for m in self._person.finditer(text, sentence, end + 8)]
        before = [f for f in found if clause <= f[0] < start]
        inside = [f for f in found if start <= f[0] < end]
        lead = [f for f in found if f[0] < clause]
        opening = [f for f in inside if f[0] == start]  # 其丈夫殴打她: the match names the actor
        actor = (before[-1] if before else opening[0] if opening else lead[0] if lead
                 else inside[0] if inside else None)
        target = next((f for f in found if f[0] >= start and f != actor), None)
        return (actor[1] if actor else None), (target[1] if target else None)

    def hits(self, lead_id: int, text: str | None, year: int | None = None) -> list[Hit]:
        """Signals found in one description, with the matched words and their clause; ``year``
        is the lead's (when it was reported): what the text dates two years before it is history."""
        hits: list[Hit] = []
        if not text:
            return hits
        plain = unicodedata.normalize("NFKC", text)
        # blanking decoys only takes words away: a text with no pattern's anchor has no signal
        may = self._prefilter.candidates(plain)
        if not may:
            return hits
        seen = self._blank(self._decoys, plain)
        for decoy, needs in self._loose_decoys:
            if needs.candidates(seen):
                seen = self._blank(decoy, seen)
        seen = self._quoted(seen)
        found: dict[re.Pattern[str], bool] = {}  # a frame several signals share ({dv}): once

        def has(p: re.Pattern[str]) -> bool:
            if p not in found:
                found[p] = p.search(seen) is not None
            return found[p]

        # a text none of a signal's patterns matches anywhere skips it (most texts, most
        # signals); only the patterns whose anchors are in the text are run at all
        live: dict[int, list[re.Pattern[str]]] = {}
        for i in sorted(may):
            k, pattern = self._flat[i]
            live.setdefault(k, []).append(pattern)
        present = []
        for k, patterns in sorted(live.items()):
            spec, _, requires, unless = self._signals[k]
            if (any(p.search(seen) for p in patterns) and all(map(has, requires))
                    and not any(map(has, unless))):
                present.append((spec, patterns))
        if not present:
            return hits
        quotes = [m.span() for m in QUOTE.finditer(plain)]
        inner = [m.start() for a, b in quotes for m in INNER_STOP.finditer(plain, a, b)]
        bare = self._blank(self._pseudo_patterns, self._blank(self._pseudo, seen))  # for negations only
        denied = self._denied(seen, plain)
        sentences = [s.start() for s in SENTENCE.finditer(seen)]
        newest = max([*map(int, YEAR.findall(seen)), year or 0])
        for lo, hi, joints in self._clauses(seen):
            # the least severity a refutation denies here
            least = min((g for a, b, g in denied if a <= lo < b), default=NOTHING_DENIED)
            if least == 0:
                continue
            clause = seen[lo:hi]
            if self._past is not None and self._past.search(clause):
                continue  # 唯一一次推搡发生在十年前: history, not a present risk
            if newest and (year := self._year_of(seen, lo, hi, sentences)) and year <= newest - YEARS_AGO:
                continue  # 2021年曾扬言……, told in a text of 2024: history too
            # a scope also ends where the speaker paused inside a quotation
            cut = [*self._starts(self._boundaries, self._blank(self._not_turns, clause)),
                   *(p - lo for p in inner if lo <= p < hi),
                   *(j - lo for j in joints)]
            negated = self._starts(self._negation, bare[lo:hi])
            # what someone threatens is often conditional (你要是敢报警，我就弄死你): a hedge
            # inside a quotation does not undo the threat
            hedged = [h for h in self._starts(self._hedges, clause)
                      if not any(a < lo + h < b for a, b in quotes)]
            # ... and a hedge outside a quotation covers all of it (如果对方威胁“敢要孩子就弄死你”,
            # 这种录音能当证据吗): the turns inside the quotation are the speaker's, not its scope's
            outer = [c for c in cut if not any(a < lo + c < b for a, b in quotes)]
            # spans that start inside the clause (the words of a law after 讲解：) deny what starts in them
            inside = [(a, b, g) for a, b, g in denied if lo < a < hi]
            for spec, patterns in present:
                if _reaches(least, spec.severity):
                    continue
                for m in (m for pat in patterns for m in pat.finditer(clause)):
                    if self._governed(m, negated, cut) or self._governed(m, hedged, outer):
                        continue
                    if any(a <= lo + m.start() < b and _reaches(g, spec.severity) for a, b, g in inside):
                        continue
                    s_lo = max((s for s in sentences if s <= lo), default=0)
                    actor, target = self._who(plain, s_lo, lo, lo + m.start(), lo + m.end())
                    hits.append(Hit(spec.name, spec.points, spec.red_flag, spec.severity, {
                        "lead_id": lead_id, "words": plain[lo + m.start():lo + m.end()],
                        "text": plain[lo:hi].strip(), "actor": actor, "target": target}))
                    break
        return hits
