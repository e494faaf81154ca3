"""What happens: case skeletons (target risk, kind of dispute, village, start, subject), plans.

A case is one dispute of one type about one subject in one village or community. A
target level (红/橙/黄/蓝 about 5/15/30/50 %) keeps the mix: it decides how many leads
the case produces and its *plan*, the worst thing that happens in it: for red a threat
to kill or harm, a weapon, a suicide threat, a beating with injury, strangulation, a
breached protection order or an escalation across agencies; for orange domestic
violence without injury, a physical conflict, a collective or a repeated skip-level
petition; for yellow heated words or a third report. The timeline then draws the
events of each lead from the plan, and the case's *true* level is computed from the
told events by ``risk_truth`` (the policy), not taken from the target. About one case in eight
is a look-alike of an earlier one (same village, type and weeks, often the same
subject and a common surname), the confounder linking must not merge.
"""

from __future__ import annotations

from dataclasses import dataclass

from samples.chance import Dice, Weighted
from samples.names import COMMON_SURNAMES
from samples.places import Places

RISK_SHARES: dict[str, float] = {"红": 0.05, "橙": 0.15, "黄": 0.30, "蓝": 0.50}
"""Intended share of cases per risk level."""

TYPES: tuple[str, ...] = ("婚姻家庭", "邻里", "债务/经济", "物业", "劳资/欠薪",
                          "土地/宅基地", "继承", "消费", "施工扰民", "其他")

_TYPE_BY_RISK = {
    "红": Weighted({"婚姻家庭": 38, "邻里": 14, "债务/经济": 12, "劳资/欠薪": 14, "土地/宅基地": 9,
                   "继承": 6, "物业": 2, "施工扰民": 2, "消费": 1, "其他": 2}),
    "橙": Weighted({"婚姻家庭": 34, "邻里": 18, "债务/经济": 12, "劳资/欠薪": 10, "土地/宅基地": 8,
                   "继承": 7, "物业": 3, "施工扰民": 3, "消费": 1, "其他": 4}),
    "黄": Weighted({"婚姻家庭": 18, "邻里": 24, "债务/经济": 12, "劳资/欠薪": 9, "土地/宅基地": 7,
                   "继承": 6, "物业": 9, "施工扰民": 7, "消费": 4, "其他": 4}),
    "蓝": Weighted({"婚姻家庭": 12, "邻里": 22, "债务/经济": 9, "劳资/欠薪": 6, "土地/宅基地": 5,
                   "继承": 5, "物业": 15, "施工扰民": 9, "消费": 12, "其他": 5}),
}
_RISK = Weighted(RISK_SHARES)
_LEADS_BY_RISK = {
    "蓝": Weighted({1: 70, 2: 30}),  # three leads would make a case 黄
    "黄": Weighted({1: 30, 2: 30, 3: 20, 4: 12, 5: 8}),
    "橙": Weighted({2: 20, 3: 25, 4: 20, 5: 15, 6: 12, 7: 8}),
    "红": Weighted({3: 14, 4: 15, 5: 14, 6: 12, 7: 10, 8: 9, 9: 8, 10: 7, 11: 6, 12: 5}),
}
_LOOKALIKE_TYPES = ("婚姻家庭", "邻里", "债务/经济", "土地/宅基地", "继承", "劳资/欠薪", "其他")

# Subjects: (key, phrasings, where) with where u=community, r=village, ur=both.
SUBJECTS: dict[str, tuple[tuple[str, tuple[str, ...], str], ...]] = {
    "婚姻家庭": (
        ("琐事", ("家庭琐事", "生活琐事", "家务琐事"), "ur"),
        ("喝酒", ("喝酒", "酗酒", "酒后吵闹"), "ur"),
        ("离婚", ("离婚财产分割", "离婚", "离婚后房子归属"), "ur"),
        ("抚养", ("孩子抚养", "孩子抚养权", "孩子抚养费"), "ur"),
        ("赡养", ("赡养老人", "老人赡养费", "老人赡养"), "ur"),
        ("彩礼", ("彩礼返还", "退还彩礼"), "ur"),
        ("赌博", ("赌博欠债", "赌博输钱"), "ur"),
    ),
    "邻里": (
        ("空调", ("空调外机对着窗户", "空调外机正对卧室窗户", "空调外机对着窗户吹热风"), "ur"),
        ("漏水", ("楼上漏水", "楼上卫生间漏水", "楼上渗水导致天花板发霉"), "u"),
        ("噪音", ("楼上噪音", "楼上深夜噪音", "楼上孩子跑跳的噪音"), "u"),
        ("杂物", ("楼道堆放杂物", "在楼道里堆放杂物", "公共楼道堆杂物"), "u"),
        ("养狗", ("养狗扰民", "狗整夜叫唤", "遛狗不拴绳"), "ur"),
        ("车位", ("占用车位", "门口停车挡路", "私占停车位"), "ur"),
        ("采光", ("树木遮挡采光", "院里的大树挡光"), "r"),
        ("排水", ("院外排水沟堵塞", "排水沟往院里流水"), "r"),
        ("院墙", ("私搭乱建", "加盖院墙挡路"), "r"),
    ),
    "债务/经济": (
        ("借款", ("欠款{amt}万元不还", "借款{amt}万元到期不还", "{amt}万元借款"), "ur"),
        ("货款", ("拖欠货款{amt}万元", "货款{amt}万元", "欠货款{amt}万元不给"), "ur"),
        ("合伙", ("合伙做生意分账", "合伙经营分钱"), "ur"),
        ("装修款", ("装修款{amt}万元", "拖欠装修款{amt}万元"), "ur"),
        ("房租", ("拖欠房租", "房租", "欠房租不交"), "ur"),
    ),
    "物业": (
        ("物业费", ("物业费", "物业费收费标准", "物业费上涨"), "u"),
        ("电梯", ("电梯故障", "电梯经常坏"), "u"),
        ("停车", ("停车费", "小区停车管理"), "u"),
        ("维修", ("房屋漏水维修", "公共部位维修"), "u"),
        ("供暖", ("供暖不热", "暖气不热"), "u"),
    ),
    "劳资/欠薪": (
        ("欠薪", ("拖欠工资{amt}万元", "拖欠工资", "工钱{amt}万元一直不给"), "ur"),
        ("工伤", ("工伤赔偿", "工伤赔偿款"), "ur"),
        ("辞退", ("辞退补偿", "被辞退不给补偿"), "ur"),
    ),
    "土地/宅基地": (
        ("地界", ("宅基地地界", "宅基地边界", "宅基地界线"), "r"),
        ("翻建", ("翻建房屋占地", "翻盖房子超出地界"), "r"),
        ("承包地", ("承包地", "承包地边界"), "r"),
        ("补偿款", ("征地补偿款分配", "占地补偿款"), "r"),
    ),
    "继承": (
        ("房子", ("继承的房子", "父母留下的房子", "老房子继承"), "ur"),
        ("遗产", ("父亲的遗产", "遗产分割"), "ur"),
        ("拆迁款", ("拆迁款分配", "拆迁补偿款分配"), "ur"),
        ("遗嘱", ("遗嘱", "遗嘱效力"), "ur"),
    ),
    "消费": (
        ("预付卡", ("预付卡退款", "办的预付卡退款", "储值卡退款"), "ur"),
        ("健身卡", ("健身卡退款", "健身房会员卡退费"), "ur"),
        ("装修", ("装修质量", "装修工程质量问题"), "ur"),
        ("电器", ("购买的电器质量", "买的冰箱质量问题"), "ur"),
        ("培训费", ("培训费退款", "孩子培训班退费"), "ur"),
    ),
    "施工扰民": (
        ("夜间施工", ("夜间施工噪音", "夜间施工扰民", "半夜施工"), "ur"),
        ("渣土车", ("渣土车扰民", "渣土车撒漏"), "ur"),
        ("扬尘", ("工地扬尘", "施工扬尘"), "ur"),
        ("噪音", ("施工噪音", "工地噪音"), "ur"),
    ),
    "其他": (
        ("狗咬", ("宠物狗咬人", "被狗咬的赔偿"), "ur"),
        ("刮蹭", ("交通刮蹭赔偿", "车辆刮蹭"), "ur"),
        ("充电", ("电动车充电", "飞线充电"), "ur"),
        ("广场舞", ("广场舞噪音", "广场舞音响太吵"), "ur"),
        ("流浪猫", ("投喂流浪猫", "流浪猫"), "ur"),
    ),
}
_AMOUNTS = {
    "借款": (0.5, 1, 2, 3, 3, 5, 5, 8, 10, 12, 15, 20, 30, 50),
    "货款": (1, 2, 3.5, 5, 6, 8, 12, 18, 26),
    "装修款": (1, 2, 3, 4, 6, 8),
    "欠薪": (1, 1.5, 2, 3, 4, 5, 6, 8, 12, 18, 25, 36),
}
# Subjects a domestic-violence case is about (a quarrel at home, drink, gambling, divorce).
_DV_SUBJECTS = ("琐事", "喝酒", "赌博", "离婚")

# The case's top event by target level and type: what the worst thing that happens is.
_RED_KIND = {
    "婚姻家庭": Weighted({"threat": 20, "weapon": 10, "suicide": 10, "dv_injury": 22, "strangle": 14,
                      "order_breach": 10, "escalation": 14}),
    "劳资/欠薪": Weighted({"suicide": 35, "threat": 30, "weapon": 12, "escalation": 23}),
    "土地/宅基地": Weighted({"weapon": 35, "threat": 30, "suicide": 10, "escalation": 25}),
    "邻里": Weighted({"weapon": 30, "threat": 35, "suicide": 8, "escalation": 27}),
    "债务/经济": Weighted({"threat": 45, "weapon": 15, "suicide": 20, "escalation": 20}),
    "继承": Weighted({"threat": 30, "suicide": 30, "weapon": 20, "escalation": 20}),
    "物业": Weighted({"suicide": 40, "threat": 40, "escalation": 20}),
    "施工扰民": Weighted({"threat": 50, "weapon": 25, "escalation": 25}),
    "消费": Weighted({"suicide": 50, "threat": 50}),
    "其他": Weighted({"threat": 40, "weapon": 35, "suicide": 10, "escalation": 15}),
}
_ORANGE_KIND = {
    "婚姻家庭": Weighted({"dv_hit": 55, "dv_control": 45}),
    "劳资/欠薪": Weighted({"group_petition": 45, "repeat_skip": 20, "physical": 35}),
    "土地/宅基地": Weighted({"physical": 55, "group_petition": 25, "repeat_skip": 20}),
    "物业": Weighted({"group_petition": 45, "repeat_skip": 25, "physical": 30}),
    "施工扰民": Weighted({"group_petition": 45, "physical": 40, "repeat_skip": 15}),
    "消费": Weighted({"group_petition": 40, "physical": 40, "repeat_skip": 20}),
}
_ORANGE_DEFAULT = Weighted({"physical": 85, "repeat_skip": 15})
_YELLOW_KIND = Weighted({"heated": 80, "three_leads": 20})


@dataclass(slots=True)
class Case:
    """A case skeleton; ``surname_hint`` makes a look-alike's parties share a surname."""

    idx: int
    level: str
    dtype: str
    village: int
    start: float
    subject: str
    phrasings: tuple[str, ...]
    n_leads: int
    lookalike_of: int
    surname_hint: str | None


@dataclass(slots=True)
class Plan:
    """What a case is drawn to come to: its target level's top event, domestic violence."""

    kind: str | None  # an event of risk_truth, "escalation", "three_leads" or None
    dv: bool  # a domestic-violence case (its 妇联 leads tell it, with the DV flag)


class Scenarios:
    """Draws the case skeletons of a run, then each case's signals, subject and amount."""

    def __init__(self, dice: Dice, places: Places, days: int) -> None:
        self.dice = dice
        self.places = places
        self.days = days

    def subject_for(self, dtype: str, vi: int) -> tuple[str, tuple[str, ...]]:
        where = "r" if self.places.villages[vi].is_village else "u"
        options = [(k, p) for k, p, w in SUBJECTS[dtype] if where in w]
        key, phr = options[self.dice.rr(len(options))]
        return key, phr

    def seeds(self, n: int) -> list[Case]:
        """Case skeletons (level, type, village, start, subject), look-alikes included.

        Returned in start order, ``idx`` and ``lookalike_of`` renumbered to match.
        """
        dice = self.dice
        rng = dice.rng
        places = self.places
        out: list[Case] = []
        for _ in range(n):
            level = _RISK.pick(rng)
            n_leads = _LEADS_BY_RISK[level].pick(rng)
            if out and rng.random() < 0.12:
                o = out[dice.rr(len(out))]
                if o.dtype in _LOOKALIKE_TYPES:
                    if rng.random() < 0.7:
                        key, phr = o.subject, o.phrasings
                    else:
                        key, phr = self.subject_for(o.dtype, o.village)
                    if o.surname_hint is None and rng.random() < 0.5:
                        o.surname_hint = dice.ch(COMMON_SURNAMES)
                    st = min(max(0.0, o.start + rng.uniform(-10, 14)), self.days - 1.0)
                    out.append(Case(len(out), level, o.dtype, o.village, st, key, phr, n_leads,
                                    o.idx, o.surname_hint))
                    continue
            dtype = _TYPE_BY_RISK[level].pick(rng)
            if dtype == "土地/宅基地" and places.rural_w.items:
                vi = places.rural_w.pick(rng)
            elif dtype == "物业" and places.urban_w.items:
                vi = places.urban_w.pick(rng)
            else:
                vi = places.village_w.pick(rng)
                if dtype == "土地/宅基地" and not places.villages[vi].is_village:
                    dtype = "邻里"
                if dtype == "物业" and places.villages[vi].is_village:
                    dtype = "邻里"
            key, phr = self.subject_for(dtype, vi)
            out.append(Case(len(out), level, dtype, vi, rng.uniform(0, self.days), key, phr,
                            n_leads, -1, None))
        out.sort(key=lambda c: (c.start, c.idx))
        remap = {c.idx: i for i, c in enumerate(out)}
        for i, c in enumerate(out):
            c.idx = i
            c.lookalike_of = remap[c.lookalike_of] if c.lookalike_of >= 0 else -1
        return out

    def plan(self, c: Case) -> Plan:
        """The case's top event for its target level, and whether it is domestic violence."""
        rng = self.dice.rng
        fam = c.dtype == "婚姻家庭"
        if c.level == "红":
            kind = _RED_KIND[c.dtype].pick(rng)
            return Plan(kind, fam and (kind in ("dv_injury", "strangle", "order_breach",
                                                "escalation") or rng.random() < 0.6))
        if c.level == "橙":
            kind = _ORANGE_KIND.get(c.dtype, _ORANGE_DEFAULT).pick(rng)
            return Plan(kind, fam)
        if c.level == "黄":
            return Plan(_YELLOW_KIND.pick(rng), False)
        return Plan(None, False)

    def fit_subject(self, c: Case, plan: Plan) -> None:
        """A domestic-violence case is about a quarrel at home, drink, gambling or divorce."""
        if plan.dv and c.subject not in _DV_SUBJECTS:
            key = self.dice.ch(_DV_SUBJECTS)
            c.subject, c.phrasings = next((k, p) for k, p, _ in SUBJECTS["婚姻家庭"] if k == key)

    def subject_phrases(self, c: Case) -> list[str]:
        """The case's phrasings of its subject, with one amount of money where it has one."""
        amt = _AMOUNTS.get(c.subject)
        amount = self.dice.ch(amt) if amt else 0
        amount_text = f"{amount:g}"
        return [p.replace("{amt}", amount_text) for p in c.phrasings]
