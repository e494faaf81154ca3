"""The daily briefing (研判简报): one self-contained HTML page, charts as inline SVG.

Charts are Altair (Vega-Lite) specs rendered offline by vl-convert, so the page
opens with no network. It reads only rows already masked for the ``briefing``
receiver, and Jinja2 escapes every value: an agency's text is never markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import altair as alt
import pandas as pd
import vl_convert
from jinja2 import Environment, PackageLoader, select_autoescape

from triage.domain import SOURCE_LABELS

LEVELS = ["红", "橙", "黄", "蓝"]
LEVEL_COLOURS = ["#C00000", "#ED7D31", "#FFC000", "#5B9BD5"]
FONT = "WenQuanYi Zen Hei, Noto Sans CJK SC, Microsoft YaHei, sans-serif"
MAX_LISTED = 200  # rows per list in the page; the rest are counted and pointed to


@dataclass
class Listed:
    """A list in the page: its rows, and how many more there are, and where."""

    rows: list[dict[str, Any]]
    more: int = 0
    where: str = ""


@dataclass
class Briefing:
    day: datetime
    generated_at: datetime
    runs: list[dict[str, Any]]
    intake: list[dict[str, Any]]  # per agency: files, rows, new, corrected, rejected
    level_counts: dict[str, int]
    new_cases: dict[str, int]
    villages: list[dict[str, Any]]
    high: Listed
    unroutable: Listed
    referred: Listed
    overdue: Listed
    undelivered: Listed
    reviews: int
    fairness: dict[str, list[dict[str, Any]]]
    charts: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def _svg(chart: alt.TopLevelMixin) -> str:
    spec = chart.configure(font=FONT).configure_view(strokeWidth=0).to_dict()
    svg: str = vl_convert.vegalite_to_svg(spec)
    return svg


def _weekly(trend: pd.DataFrame, by: str, title: str, colours: Mapping[str, str] | None = None,
            order: Sequence[str] | None = None) -> str:
    df = trend.dropna(subset=["reported_at"]).copy()
    if df.empty:
        return ""
    df["周"] = df["reported_at"].dt.to_period("W-SUN").dt.start_time.dt.strftime("%m-%d")
    counts = df.groupby(["周", by]).size().reset_index(name="线索数")
    scale = alt.Scale(domain=list(colours), range=list(colours.values())) if colours else \
        alt.Scale(scheme="tableau10")
    sort = list(order) if order else None
    chart = alt.Chart(counts, title=title, width=520, height=200).mark_bar().encode(
        x=alt.X("周:O", title="周（起始日）"), y=alt.Y("线索数:Q", title="线索数"),
        color=alt.Color(f"{by}:N", scale=scale, sort=sort, title=None),
        order=alt.Order(f"{by}:N"))
    return _svg(chart)


def _share_chart(table: list[dict[str, Any]], key: str, title: str) -> str:
    rows = [{key: r[key], "等级": lvl, "占比": r.get(f"{lvl}%", 0.0)} for r in table for lvl in LEVELS]
    if not rows:
        return ""
    chart = alt.Chart(pd.DataFrame(rows), title=title, width=520,
                      height=max(60, 22 * len(table))).mark_bar().encode(
        y=alt.Y(f"{key}:N", title=None, sort=[r[key] for r in table]),
        x=alt.X("占比:Q", title="占比（%）", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("等级:N", scale=alt.Scale(domain=LEVELS, range=LEVEL_COLOURS), title=None),
        order=alt.Order("等级序:Q"),
    ).transform_calculate(等级序=f"indexof({LEVELS!r}, datum.等级)")
    return _svg(chart)


def level_shares(trend: pd.DataFrame, by: str, label: str, top: int | None = None) -> list[dict[str, Any]]:
    """Per group, its leads and the share of each level: a drift between groups shows here."""
    df = trend.assign(_g=trend[by].fillna("未知"))
    groups = sorted(df.groupby("_g"), key=lambda kv: -len(kv[1]))
    out: list[dict[str, Any]] = []
    for g, rows in groups[:top] if top else groups:
        n = len(rows)
        counts = rows["risk_level"].value_counts()
        out.append({label: str(g), "线索数": n,
                    **{f"{lvl}%": round(100 * int(counts.get(lvl, 0)) / n, 1) for lvl in LEVELS}})
    return out


def fairness(trend: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    t = trend.assign(部门=trend["source"].map(lambda s: SOURCE_LABELS.get(s, s)),
                     性别=trend["reporter_sex"].map({"男": "男", "女": "女", "M": "男", "F": "女"}))
    return {"部门": level_shares(t, "部门", "部门"), "性别": level_shares(t, "性别", "报告人性别"),
            "村/社区": level_shares(t, "village", "村/社区", top=15)}


def charts(trend: pd.DataFrame, fair: Mapping[str, list[dict[str, Any]]]) -> dict[str, str]:
    types = trend["dispute_type"].value_counts().index[:6].tolist()
    t = trend.assign(
        纠纷类型=trend["dispute_type"].where(trend["dispute_type"].isin(types), "其他"),
        部门=trend["source"].map(lambda s: SOURCE_LABELS.get(s, s)),
        等级=trend["risk_level"].fillna("蓝"))
    return {
        "等级": _weekly(t, "等级", "近12周线索（按案件风险等级）", dict(zip(LEVELS, LEVEL_COLOURS, strict=True))),
        "类型": _weekly(t, "纠纷类型", "近12周线索（按纠纷类型）"),
        "部门": _weekly(t, "部门", "近12周线索（按报送部门）"),
        "公平_部门": _share_chart(fair["部门"], "部门", "各部门线索的风险等级占比"),
        "公平_性别": _share_chart(fair["性别"], "报告人性别", "不同性别报告人的风险等级占比"),
    }


def listed(df: pd.DataFrame, columns: Mapping[str, str], where: str, limit: int = MAX_LISTED) -> Listed:
    """At most ``limit`` rows of ``df`` with Chinese keys; how many more and where to find them."""
    rows = []
    for r in df.head(limit).to_dict("records"):
        rows.append({label: _show(r.get(key)) for key, label in columns.items()})
    return Listed(rows, max(0, len(df) - limit), where)


def _show(v: Any) -> Any:
    if v is None or v is pd.NaT or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, datetime | pd.Timestamp):
        return pd.Timestamp(v).strftime("%Y-%m-%d %H:%M")
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


_ENV = Environment(loader=PackageLoader("connectors.outputs", "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def render(b: Briefing) -> str:
    """The page as one HTML string."""
    return _ENV.get_template("briefing.html").render(b=b, levels=LEVELS,
                                                     colours=dict(zip(LEVELS, LEVEL_COLOURS, strict=True)))
