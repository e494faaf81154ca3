"""The domain's fixed terms: the agencies, the risk levels and the dispute taxonomy.

Every stage speaks these; the store's schema and the configuration files use them too.
"""

from __future__ import annotations

SOURCES: tuple[str, ...] = ("police", "womens_federation", "petition", "hotline_12345")
"""The four agencies, also the names of the drop-folder subfolders."""

RISK_LEVELS: tuple[str, ...] = ("蓝", "黄", "橙", "红")
"""Risk levels from lowest to highest."""

DISPUTE_TYPES: tuple[str, ...] = (
    "婚姻家庭", "邻里", "债务/经济", "物业", "劳资/欠薪",
    "土地/宅基地", "继承", "消费", "施工扰民", "其他",
)
"""The one dispute taxonomy that every agency category maps to."""

SOURCE_LABELS: dict[str, str] = {
    "police": "派出所", "womens_federation": "妇联", "petition": "信访办", "hotline_12345": "12345",
}
"""How each agency is named where a person reads it."""

ORGANIZATIONS: tuple[str, ...] = ("司法所", "调委会", "联合调解室", "妇联", "人民法庭", "法律顾问")
"""The kinds of organization a mediator works for: the judicial office, a village or community
mediation committee (or the town's), the joint mediation room at the police station, the women's
federation, the court tribunal, legal advisers."""

ROUTE_STATUSES: dict[str, str] = {"assigned": "已分派", "referred": "转办", "unroutable": "待人工指派"}
"""What became of a case's route, and how a coordinator reads it."""

CASE_OUTCOMES: tuple[str, ...] = ("调解成功", "部分达成", "调解不成转诉讼", "当事人撤回", "转其他部门")
"""How a coordinator closes a case."""
