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
