"""The synthetic generator and the demo exports: determinism, truth, realism, files."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pypinyin import lazy_pinyin

from samples.chance import Dice
from samples.exports import DemoManifest, load_units, write_demo_exports
from samples.risk_truth import (
    DV_EVENTS,
    ORANGE_EVENTS,
    RED_EVENTS,
    LeadFacts,
    case_truth,
    escalates,
)
from samples.synthetic import RISK_SHARES, SyntheticData, generate, homophone_variant
from samples.tellings import Teller

# --- an independent GB 11643 check (not the generator's own code)

_W = [2 ** (17 - i) % 11 for i in range(17)]  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2


def gb11643_valid(s: str) -> bool:
    if not re.fullmatch(r"\d{17}[\dX]", s):
        return False
    try:
        date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    total = sum(int(c) * w for c, w in zip(s[:17], _W, strict=True))
    return "10X98765432"[total % 11] == s[17]


def upgrade15(s: str) -> str:
    body = s[:6] + "19" + s[6:]
    total = sum(int(c) * w for c, w in zip(body, _W, strict=True))
    return body + "10X98765432"[total % 11]


NEGATED_OR_DECOY = re.compile(r"没有|没|未|并未|否认|无肢体|怕|担心|跳楼价|砍价|杀价|打官司|打电话|气死|吓死")


@pytest.fixture(scope="module")
def units() -> list[dict[str, str]]:
    return load_units()


@pytest.fixture(scope="module")
def data(units: list[dict[str, str]]) -> SyntheticData:
    return generate(4000, 11, units=units)


def test_same_seed_same_frames_other_seed_differs(units: list[dict[str, str]]) -> None:
    a = generate(300, 3, units=units)
    b = generate(300, 3, units=units)
    pd.testing.assert_frame_equal(a.leads, b.leads)
    pd.testing.assert_frame_equal(a.cases, b.cases)
    pd.testing.assert_frame_equal(a.persons, b.persons)
    c = generate(300, 4, units=units)
    assert not a.leads["description"].equals(c.leads["description"])


def test_columns_and_towns(data: SyntheticData) -> None:
    leads = data.leads
    for col in ("source", "source_ref", "reported_at", "reporter_name", "reporter_phone",
                "reporter_id", "reporter_sex", "reporter_age", "address", "category",
                "description", "disposition", "urgency", "channel", "headcount", "repeat_flag",
                "skip_level", "dv_flag", "referral", "unit", "handler", "deadline",
                "request_type", "case_id", "person_id", "risk_level"):
        assert col in leads.columns
    assert leads["reported_at"].dt.tz is None
    assert leads["reported_at"].min() >= pd.Timestamp("2024-01-01")
    assert leads["reported_at"].max() < pd.Timestamp("2025-01-01")
    assert set(data.cases["town"]) == {"北七家镇", "台湖镇", "广安门外街道"}
    assert set(leads["source"]) == {"police", "womens_federation", "petition", "hotline_12345"}
    # precision per agency: petition registers dates, 12345 and 妇联 minutes
    pet = leads.loc[leads["source"] == "petition", "reported_at"]
    assert (pet == pet.dt.normalize()).all()
    hot = leads.loc[leads["source"] == "hotline_12345", "reported_at"]
    assert (hot.dt.second == 0).all()
    # agency-only fields stay with their agency
    assert leads.loc[leads["source"] != "womens_federation", "dv_flag"].isna().all()
    assert leads.loc[leads["source"] != "petition", "headcount"].isna().all()
    assert leads.loc[leads["source"] == "hotline_12345", "urgency"].notna().all()


def test_truth_is_consistent(data: SyntheticData) -> None:
    leads, cases = data.leads, data.cases
    assert not leads.duplicated(["source", "source_ref"]).any()
    assert set(leads["case_id"]) == set(cases["case_id"])
    counts = leads.groupby("case_id").size()
    assert counts.min() >= 1 and counts.max() <= 12
    assert (counts.reindex(cases["case_id"]).to_numpy() == cases["lead_count"].to_numpy()).all()
    assert (counts <= 3).mean() > 0.6 and (counts >= 8).any()  # skewed, with a tail
    assert set(leads["person_id"]) <= set(data.persons["person_id"])
    level = cases.set_index("case_id")["risk_level"]
    assert (leads["risk_level"].to_numpy() == level.reindex(leads["case_id"]).to_numpy()).all()
    parties = cases["parties"].str.split("|").map(len)
    assert parties.between(2, 4).all()
    # riskier cases have more leads
    mean_leads = cases.groupby("risk_level")["lead_count"].mean()
    assert mean_leads["红"] > mean_leads["橙"] > mean_leads["黄"] > mean_leads["蓝"]


def test_reporters_vary_within_cases(data: SyntheticData) -> None:
    g = data.leads.groupby("case_id")["person_id"]
    multi = g.size() > 1
    distinct = g.nunique()[multi]
    assert (distinct > 1).mean() > 0.5
    minority = g.agg(lambda s: 1 - s.value_counts().iloc[0] / len(s))[multi]
    assert minority.mean() > 0.2  # a good share of leads come from the other side/kin/neighbours


def test_lookalike_cases_exist(data: SyntheticData) -> None:
    cases = data.cases
    look = cases[cases["lookalike_of"].notna()].merge(
        cases, left_on="lookalike_of", right_on="case_id", suffixes=("", "_orig"))
    assert len(look) > 100
    assert (look["village_code"] == look["village_code_orig"]).all()
    assert (look["dispute_type"] == look["dispute_type_orig"]).all()
    close = (look["first_reported_at"] - look["first_reported_at_orig"]).abs() <= pd.Timedelta(
        days=21)
    assert close.mean() > 0.8
    disjoint = [not set(a.split("|")) & set(b.split("|"))
                for a, b in zip(look["parties"], look["parties_orig"], strict=True)]
    assert sum(disjoint) / len(disjoint) > 0.9
    same_subject = (look["subject"] == look["subject_orig"]).mean()
    assert same_subject > 0.3


def test_some_persons_in_several_cases(data: SyntheticData) -> None:
    cases = data.cases.assign(person=data.cases["parties"].str.split("|")).explode("person")
    per = cases.groupby("person")["case_id"].nunique()
    repeat = per[per > 1].index
    assert len(repeat) > 20
    spans = cases[cases["person"].isin(repeat)].sort_values("first_reported_at")
    later = spans.groupby("person").agg(first_end=("last_reported_at", "first"),
                                       second_start=("first_reported_at", lambda s: s.iloc[1]))
    gap = later["second_start"] - later["first_end"]
    assert (gap > pd.Timedelta(days=20)).mean() > 0.8  # months later, not the same quarrel
    # a few different people share a family landline across cases
    ll = data.persons.dropna(subset=["landline"]).groupby("landline")["person_id"].nunique()
    assert (ll > 1).any()


def test_common_surnames_dominate(data: SyntheticData) -> None:
    surnames = Counter(n[0] for n in data.persons["name"])
    top5 = sum(surnames[s] for s in "王李张刘陈") / len(data.persons)
    assert 0.2 < top5 < 0.45
    assert surnames["王"] > 10 * max(1, surnames["鲁"])


def test_risk_distribution_and_truth_follows_the_policy(data: SyntheticData) -> None:
    cases = data.cases
    share = cases["risk_level"].value_counts(normalize=True)
    for lvl, target in RISK_SHARES.items():
        assert abs(share[lvl] - target) < 0.04, (lvl, share[lvl])
    events = cases["risk_events"].fillna("").str.split("|").map(lambda e: {x for x in e if x})
    # the level is what the policy says about the case's events, nothing else
    for lvl, evs, n in zip(cases["risk_level"], events, cases["lead_count"], strict=True):
        red = evs & ({*RED_EVENTS, "escalation"})
        orange = evs & set(ORANGE_EVENTS)
        expect = ("红" if red else "橙" if orange else
                  "黄" if "heated" in evs or n >= 3 else "蓝")
        assert lvl == expect, (lvl, evs, n)
        assert ("three_leads" in evs) == (n >= 3)
    red_flags = cases.loc[cases["risk_level"] == "红", "red_flags"].fillna("")
    assert (red_flags != "").all()
    assert cases.loc[cases["risk_level"] != "红", "red_flags"].fillna("").eq("").all()
    # every red-flag event and escalation occurs, each in a good number of cases
    flags = Counter(f for x in red_flags for f in x.split("|"))
    for ev in (*RED_EVENTS, "escalation"):
        assert flags[ev] >= 3, (ev, flags)
    # blue cases: nothing happened, though their texts carry negated/hedged/decoy words
    text = data.leads.groupby("case_id")["description"].agg(" ".join)
    blue = cases.loc[cases["risk_level"] == "蓝", "case_id"]
    assert text.reindex(blue).str.contains(NEGATED_OR_DECOY).mean() > 0.2
    red = cases.loc[cases["risk_level"] == "红", "case_id"]
    assert text.reindex(red).str.len().mean() > text.reindex(blue).str.len().mean()


def test_escalation_truth_is_visible_in_the_leads(data: SyntheticData) -> None:
    """A case the truth calls escalating has 3+ leads within 30 days from 2+ agencies."""
    cases = data.cases.set_index("case_id")
    esc = cases.index[cases["risk_events"].fillna("").str.contains("escalation")]
    assert len(esc) > 20
    leads = data.leads[data.leads["case_id"].isin(esc)].sort_values("reported_at")
    for cid, g in leads.groupby("case_id"):
        t = g["reported_at"].to_numpy()
        src = g["source"].to_numpy()
        ok = False
        for i in range(len(t)):
            win = (t >= t[i]) & (t - t[i] <= np.timedelta64(30, "D"))
            if win.sum() >= 3 and len(set(src[win])) >= 2:
                ok = True
                break
        assert ok, cid


def test_flags_agree_with_the_events(data: SyntheticData) -> None:
    leads = data.leads
    events = data.cases.set_index("case_id")["risk_events"].fillna("")
    ev_of_lead = events.reindex(leads["case_id"]).to_numpy()
    wf = leads["source"].to_numpy() == "womens_federation"
    dv_flag = (leads["dv_flag"] == "是").to_numpy()
    assert dv_flag[wf].any() and not dv_flag[wf].all()
    for e in ev_of_lead[dv_flag]:  # the 妇联's DV flag: the case has domestic violence
        assert set(e.split("|")) & DV_EVENTS, e
    pet = leads["source"] == "petition"
    big = pet & (leads["headcount"].fillna(0) >= 5)
    assert big.any()
    assert all("group_petition" in e for e in ev_of_lead[big.to_numpy()])
    both = pet & (leads["repeat_flag"] == "是") & (leads["skip_level"] == "是")
    assert both.any()
    assert all("repeat_skip" in e for e in ev_of_lead[both.to_numpy()])
    hot = leads[leads["source"] == "hotline_12345"]
    urgent = hot["urgency"].isin(["紧急", "特急"])
    assert urgent[hot["risk_level"] == "红"].mean() > urgent[hot["risk_level"] == "蓝"].mean() + 0.2


def test_red_flag_events_are_told_in_many_wordings(data: SyntheticData) -> None:
    """No small phrase list: red cases' lead texts are nearly all distinct."""
    red = data.leads[data.leads["risk_level"] == "红"]["description"]
    assert red.nunique() / len(red) > 0.95
    teller = Teller(Dice(7))
    for make in (lambda: teller.threat("对方", "她", "报警人", "对方")[0],
                 lambda: teller.suicide("对方", "来电人")[0],
                 lambda: teller.weapon("对方", "他")[0],
                 lambda: teller.strangle("丈夫", "她")[0],
                 lambda: teller.dv_injury("丈夫", "她")[0]):
        forms = {make() for _ in range(3000)}
        assert len(forms) > 300, len(forms)


# --- the policy itself (risk_truth), on hand-made leads


def _lead(day: float, source: str, *events: str, **flags: object) -> LeadFacts:
    return LeadFacts(day, source, frozenset(events), **flags)  # type: ignore[arg-type]


def test_policy_red_flags_and_levels() -> None:
    assert case_truth([_lead(0, "police", "strangle")]).level == "红"  # no injury needed
    assert case_truth([_lead(0, "police", "dv_hit")]).level == "橙"
    assert case_truth([_lead(0, "police", "dv_injury")]).level == "红"
    assert case_truth([_lead(0, "hotline", "physical")]).level == "橙"
    assert case_truth([_lead(0, "hotline", "heated")]).level == "黄"
    assert case_truth([_lead(0, "hotline")]).level == "蓝"
    assert case_truth([_lead(0, "hotline"), _lead(1, "hotline")]).level == "蓝"
    three = case_truth([_lead(0, "hotline"), _lead(40, "police"), _lead(90, "hotline")])
    assert three.level == "黄" and "three_leads" in three.events
    # structured columns tell events too
    assert case_truth([_lead(0, "petition", headcount=5)]).level == "橙"
    assert case_truth([_lead(0, "petition", headcount=4)]).level == "蓝"
    assert case_truth([_lead(0, "petition", repeat=True)]).level == "蓝"
    assert case_truth([_lead(0, "petition", repeat=True, skip=True)]).level == "橙"
    assert case_truth([_lead(0, "womens_federation", dv_flag=True)]).level == "橙"
    # a negated or decoy mention is not an event: nothing told, nothing raised
    assert case_truth([_lead(0, "police", *())]).events == ()


def test_policy_escalation() -> None:
    worse = [_lead(0, "police", "heated"), _lead(6, "womens_federation", "heated"),
             _lead(12, "hotline", "physical")]
    t = case_truth(worse)
    assert t.level == "红" and "escalation" in t.deciding
    one_agency = [_lead(d.day, "police", *d.events) for d in worse]
    assert case_truth(one_agency).level == "橙"
    spread = [_lead(0, "police", "heated"), _lead(20, "hotline"), _lead(45, "police", "physical")]
    assert case_truth(spread).level == "橙"
    no_contact = [_lead(0, "police"), _lead(5, "hotline", "heated"),
                  _lead(9, "petition", "dv_control")]
    assert case_truth(no_contact).level == "橙"
    same_from_start = [_lead(0, "police", "physical"), _lead(5, "hotline", "physical"),
                       _lead(9, "police", "physical")]
    assert case_truth(same_from_start).level == "橙"
    # the window may start at any lead: quiet months, then three reports in a fortnight
    late = [_lead(0, "police", "physical"), _lead(100, "hotline"), _lead(104, "police", "heated"),
            _lead(110, "womens_federation", "dv_hit")]
    assert case_truth(late).level == "红"
    assert escalates(worse) and not escalates(worse[:2])


def test_id_numbers(data: SyntheticData) -> None:
    persons = data.persons
    assert all(gb11643_valid(s) for s in persons["id_number"])
    assert persons["id_number"].is_unique
    sex_digit = persons["id_number"].str[16].astype(int) % 2
    assert ((sex_digit == 1) == (persons["sex"] == "男")).all()
    births = pd.to_datetime(persons["id_number"].str[6:14], format="%Y%m%d")
    assert (births == persons["birth_date"]).all()
    assert births.dt.year.between(1925, 2006).all()
    assert persons["id_number"].str[:6].isin(["110114", "110112", "110102"]).mean() > 0.6
    leads = data.leads.merge(persons[["person_id", "id_number"]], on="person_id")
    ids = leads.dropna(subset=["reporter_id"])
    full = ids[(ids["reporter_id"].str.len() == 18)
               & ~ids["reporter_id"].str.contains("*", regex=False)]
    same = full["reporter_id"] == full["id_number"]
    assert same.mean() > 0.9
    assert not any(gb11643_valid(s) for s in full.loc[~same, "reporter_id"])  # typos are invalid
    old = ids[ids["reporter_id"].str.len() == 15]
    assert len(old) and all(upgrade15(a) == b for a, b in zip(old["reporter_id"],
                                                               old["id_number"], strict=True))
    masked = ids[ids["reporter_id"].str.contains("*", regex=False)]
    assert len(masked) and masked["reporter_id"].str.fullmatch(r"\d{6}\*{8}\d{3}[\dX]").all()


def test_phones_and_names(data: SyntheticData) -> None:
    persons = data.persons
    assert persons["mobile"].is_unique
    assert persons["mobile"].str.fullmatch(r"1[3-9]\d{9}").all()
    phones = data.leads["reporter_phone"].dropna()
    assert phones.str.fullmatch(r"1\d{2}\*{4}\d{4}").any()
    assert phones.str.fullmatch(r"010-[68]\d{7}").any()
    assert phones.str.contains("/", regex=False).any()
    names = data.leads["reporter_name"].dropna()
    for pattern in (r"[\u4e00-\u9fff]某", r"[\u4e00-\u9fff](先生|女士)", r".+、.+", r".\*+"):
        assert names.str.fullmatch(pattern).any(), pattern
    # descriptions name the other party, often masked
    assert data.leads["description"].str.contains(r"[\u4e00-\u9fff]某").mean() > 0.3


def test_homophone_variant_keeps_pinyin() -> None:
    rng = random.Random(1)
    changed = 0
    for name in ("王晓明", "李静", "张伟", "刘建华", "陈丽"):
        variant = homophone_variant(name, rng)
        assert lazy_pinyin(variant) == lazy_pinyin(name)
        changed += variant != name
    assert changed == 5


# --- the demo exports


def _read_back(f) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    if f.format == "csv":
        enc = "utf-8-sig" if f.encoding in ("utf-8", "utf-8-sig") else "gb18030"
        return pd.read_csv(f.path, encoding=enc, header=f.header_row - 1, dtype=str,
                           keep_default_na=False)
    grid = pd.read_excel(f.path, sheet_name=f.sheet, header=None, engine="calamine")
    header = [str(v) for v in grid.iloc[f.header_row - 1]]
    body = grid.iloc[f.header_row:].dropna(how="all")  # blank rows are not rows
    body.columns = header
    return body


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    return write_demo_exports(tmp_path_factory.mktemp("demo"), 300, 1)


def test_exports_read_back_with_claimed_counts(exports: DemoManifest) -> None:
    m = exports
    kinds = {(f.format, f.encoding) for f in m.files}
    for enc in ("utf-8", "utf-8-sig", "gbk", "gb18030"):
        assert ("csv", enc) in kinds
    assert any(f.format == "xlsx" for f in m.files)
    for source in ("police", "womens_federation", "petition", "hotline_12345"):
        files = [f for f in m.files if f.source == source]
        assert 1 <= len(files) <= 3
        assert all(f.path.parent.name == source for f in files)
        if len(files) > 1:
            assert files[0].headers != files[1].headers  # header synonyms vary per file
    truth = pd.read_csv(m.truth_path, dtype=str, encoding="utf-8")
    assert list(truth.columns) == ["source", "source_ref", "case_id", "person_id", "risk_level"]
    assert len(truth) == m.total_leads and not truth.duplicated(["source", "source_ref"]).any()
    assert pd.read_csv(m.cases_path)["case_id"].nunique() == 300
    seen: Counter[tuple[str, str]] = Counter()
    bad_refs = 0
    for f in m.files:
        df = _read_back(f)
        assert len(df) == f.rows, f.path.name
        if f.totals_rows:
            assert str(df.iloc[-1, 0]) == "合计"
            df = df.iloc[:-1]
        refs = df[f.headers["source_ref"]].fillna("").astype(str).str.strip()
        bad_refs += (refs == "").sum() + refs.str.endswith("B").sum()
        for ref in refs[(refs != "") & ~refs.str.endswith("B")]:
            seen[(f.source, ref)] += 1
        if f.encoding == "gbk":
            with pytest.raises(UnicodeDecodeError):
                f.path.read_bytes().decode("utf-8")
    assert bad_refs == m.injected_bad_rows > 0
    assert set(seen) == set(zip(truth["source"], truth["source_ref"], strict=True))
    assert sum(n - 1 for n in seen.values()) == m.duplicate_rows > 0
    assert m.total_rows == (m.total_leads + m.duplicate_rows + m.injected_bad_rows
                            + m.totals_rows)
    assert m.expected_rejected == m.injected_bad_rows + sum(f.format == "xlsx" for f in m.files)


def test_exports_carry_every_messy_form(exports: DemoManifest) -> None:
    texts: dict[str, list[str]] = {"reported_at": [], "reporter_phone": [], "reporter_id": [],
                                   "reporter_name": [], "address": []}
    xl_dates: list[object] = []
    for f in exports.files:
        df = _read_back(f)
        for field, values in texts.items():
            if field in f.headers:
                col = df[f.headers[field]]
                values.extend(str(v) for v in col if isinstance(v, str) and v)
                if field == "reported_at" and f.format == "xlsx":
                    xl_dates.extend(v for v in col if not isinstance(v, str))
    dates = pd.Series(texts["reported_at"])
    for pattern in (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", r"\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d{2}",
                    r"\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}时\d{1,2}分", r"\d{4}年\d{1,2}月\d{1,2}日",
                    r"\d{8}"):
        assert dates.str.fullmatch(pattern).any(), pattern
    assert any(isinstance(v, datetime) for v in xl_dates)  # real date cells
    assert any(isinstance(v, float) and 40000 < v < 50000 for v in xl_dates)  # Excel serials
    phones = pd.Series(texts["reporter_phone"])
    for pattern in (r"1\d{10}", r"1\d{2}-\d{4}-\d{4}", r"1\d{2} \d{4} \d{4}", r"\+86 .*",
                    r"86-1\d{10}", r".*\d{3}\*{4}\d{4}", r".+[/，].+", r"[（(]010[）)]\d{8}",
                    r"[６８]?[０-９]{11}|[０-９]+", r"\s+.+\s+"):
        assert phones.str.fullmatch(pattern).any(), pattern
    ids = pd.Series(texts["reporter_id"]).str.strip()
    assert ids.str.fullmatch(r"\d{17}x").any()
    assert ids.str.fullmatch(r"\d{15}").any()
    assert ids.str.fullmatch(r"\d{6}\*{8}\d{3}[\dX]").any()
    assert sum(not gb11643_valid(s) for s in ids if re.fullmatch(r"\d{17}[\dX]", s)) > 0
    names = pd.Series(texts["reporter_name"]).str.strip()
    for pattern in (r"[\u4e00-\u9fff]{2,4}", r"[\u4e00-\u9fff] [\u4e00-\u9fff]{2}",
                    r"[\u4e00-\u9fff]某+", r"[\u4e00-\u9fff](先生|女士|老师)",
                    r"[\u4e00-\u9fff]+、[\u4e00-\u9fff]+"):
        assert names.str.fullmatch(pattern).any(), pattern
    addresses = pd.Series(texts["address"])
    for pattern in (r"北京市.+区.+(镇|街道).+", r".+区.+村委会", r".+村.+号院", r".+(镇|街道)[^\d０-９]+",
                    r".*\d+号楼\d+单元\d+", r".*[０-９].*"):
        assert addresses.str.fullmatch(pattern).any(), pattern


def test_benchmark_formats(tmp_path: Path) -> None:
    for fmt in ("csv", "xlsx"):
        m = write_demo_exports(tmp_path / fmt, 60, 2, formats=fmt)
        assert {f.format for f in m.files} == {fmt}
        assert m.injected_bad_rows == 0 and m.duplicate_rows == 0
        assert m.total_rows == m.total_leads + m.totals_rows
        for f in m.files:
            assert f.encoding == ("utf-8" if fmt == "csv" else None)
            assert len(_read_back(f)) == f.rows
