"""Per-record values in each agency's terms (before file-level formatting): names,
phones, ID numbers, addresses, categories, descriptions, flags."""
from __future__ import annotations

import datetime as dt

from disputes import DV_EV, VIOLENT, Org
from places import FW, POLICE_STATION, TOWN_GOV, render_addr
from texts import Ctx, describe, fed_disposition, police_disposition

TYPO = {}
for line in """晓小 小晓 丽莉俐 莉丽 明铭名 伟玮炜 华化桦 军君俊 芳方 静靖晶 婷亭 娜那 红宏洪 英瑛莹 兰蓝岚 楠兰南 宁凌玲 玲林琳
林琳凌 琳林玲 敏明民 斌兵彬 兵斌 金晶京 欣新馨 新欣 珍贞真 芬峰 峰锋丰 文雯 志智子 子紫梓 梓子紫 泽则哲 哲泽 宗忠 忠中宗 思诗
诗思 山三珊 燕艳雁 艳燕 霞侠 梅玫 凤峰 秀修 桂贵 淑书 玉钰宇 建健剑 强蔷 勇永 杰洁捷 涛韬 磊蕾 鹏朋 刚钢 波博 浩昊 宇雨语
雨宇 涵含晗 萱轩宣 轩萱 怡宜 佳家嘉 家佳 嘉佳 俊骏 立丽 东冬 冬东 春纯 辉晖 慧惠 颖莹 洁杰 倩茜 璐露 雪学 晨辰 阳洋 鑫新 博波
凯恺 琦琪 琪琦 荣容 顺舜 福富 贵桂 成诚 平萍 萍平 娟鹃 丹单 云芸 亮量 超朝""".split():
    TYPO[line[0]] = line[1:]
SUR_TYPO = {k: v for k, v in (("张", "章"), ("章", "张"), ("王", "汪"), ("李", "黎"), ("刘", "柳"), ("陈", "程"), ("程", "陈"),
                                 ("杨", "阳"), ("徐", "许"), ("许", "徐"), ("周", "邹"), ("邹", "周"), ("吴", "武"), ("武", "吴"),
                                 ("于", "余"), ("余", "于"), ("姜", "江"), ("江", "姜"), ("石", "史"), ("史", "石"), ("范", "樊"),
                                 ("樊", "范"), ("金", "靳"), ("靳", "金"), ("肖", "萧"), ("黄", "王"), ("林", "凌"), ("郑", "正"))}


def typo_name(rng, nm):
    """a homophone or look-alike slip in one character of the name"""
    idx = list(range(1, len(nm)))
    rng.shuffle(idx)
    if rng.random() < 0.15 and nm[0] in SUR_TYPO:
        return SUR_TYPO[nm[0]] + nm[1:]
    for i in idx:
        alts = TYPO.get(nm[i])
        if alts:
            return nm[:i] + rng.choice(alts) + nm[i + 1:]
    if nm[0] in SUR_TYPO:
        return SUR_TYPO[nm[0]] + nm[1:]
    return nm


def title_of(p, on):
    age = p.age(on)
    if p.sex == "F":
        return "阿姨" if age >= 60 else ("大姐" if age >= 45 else "女士")
    return "大爷" if age >= 62 else ("师傅" if age >= 45 else "先生")


NAME_MIX = {  # full, typo, title, surname only, masked, spaced, several, missing
    "police": (0.80, 0.06, 0.03, 0.01, 0.03, 0.02, 0.03, 0.02),
    "hotline_12345": (0.50, 0.05, 0.33, 0.02, 0.03, 0.01, 0.01, 0.05),
    "petition": (0.86, 0.06, 0.0, 0.0, 0.02, 0.02, 0.04, 0.0),
    "womens_federation": (0.72, 0.06, 0.06, 0.02, 0.08, 0.02, 0.02, 0.02),
}


def display_name(rng, rec, d, on):
    p = rec.rep
    nm = p.name
    src = rec.source
    if src == "petition" and rec.headcount >= 5 and rng.random() < 0.8:
        r = rng.random()
        others = [g for g in d.group if g is not p] or []
        if r < 0.6 or not others:
            return f"{nm}等{rec.headcount}人"
        k = min(len(others), rng.randint(1, 3))
        return "、".join([nm] + [o.name for o in rng.sample(others, k)]) + ("等" if rng.random() < 0.5 else "")
    mix = NAME_MIX[src]
    r = rng.random()
    acc = 0
    for kind, w in zip(("full", "typo", "title", "sur", "mask", "space", "several", "missing"), mix):
        acc += w
        if r < acc:
            break
    sur = p.surname
    if kind == "several" and src == "petition" and rec.headcount < 2:
        kind = "full"
    if kind == "missing" and src != "hotline_12345":
        return ""
    if kind == "full":
        return nm
    if kind == "typo":
        return typo_name(rng, nm)
    if kind == "title":
        return sur + (title_of(p, on) if rng.random() < 0.9 else "老师")
    if kind == "sur":
        return sur
    if kind == "mask":
        return sur + rng.choice(["某", "某某", "**", "*" * (len(nm) - len(sur))])
    if kind == "space":
        return sur + " " + nm[len(sur):]
    if kind == "several":
        sp = p.kin.get("spouse")
        other = sp.name if sp is not None else d.roles["A"].name if d.roles["A"] is not p and hasattr(d.roles["A"], "sex") else None
        if other:
            return nm + rng.choice(["、", "、", "，", " "]) + other
        return nm
    return "" if rng.random() < 0.6 else rng.choice(["匿名", "未留姓名", "市民", "不愿透露"])


def fmt_mobile(rng, m, mask=False):
    if mask:
        return m[:3] + "****" + m[7:]
    r = rng.random()
    if r < 0.72:
        return m
    if r < 0.8:
        return f"{m[:3]}-{m[3:7]}-{m[7:]}"
    if r < 0.86:
        return f"{m[:3]} {m[3:7]} {m[7:]}"
    if r < 0.9:
        return f"+86 {m[:3]} {m[3:7]} {m[7:]}"
    if r < 0.93:
        return f"86-{m}"
    if r < 0.96:
        return m.translate(FW)
    if r < 0.98:
        return " " + m + " "
    return f"+86{m}"


def fmt_landline(rng, num):
    r = rng.random()
    if r < 0.45:
        return f"010-{num}"
    if r < 0.65:
        return f"(010){num}"
    if r < 0.75:
        return f"（010）{num}"
    if r < 0.95:
        return num
    return f"010{num}"


def display_phone(rng, rec, d, mask_p):
    p = rec.rep
    nums = []
    if p.phones:
        nums.append(("m", p.phones[0]))
        if len(p.phones) > 1 and rng.random() < 0.5:
            nums.append(("m", p.phones[1]))
    hl = p.hh.landline if p.hh is not None else None
    if hl and (not nums or rng.random() < 0.15):
        nums.append(("l", hl))
    if not nums:
        # an old person gives a child's or spouse's number
        for k in ("spouse", "children"):
            q = p.kin.get(k)
            if isinstance(q, list):
                q = q[0] if q else None
            if q is not None and q.phones:
                nums.append(("m", q.phones[0]))
                break
    if not nums or rng.random() < 0.04:
        return ""
    mask = rng.random() < mask_p
    out = [fmt_mobile(rng, v, mask) if k == "m" else fmt_landline(rng, v) for k, v in nums]
    if rng.random() < 0.01:  # a digit lost when typing
        s = out[0]
        i = rng.randrange(len(s))
        out[0] = s[:i] + s[i + 1:]
    return rng.choice(["/", "/", "，", " ", "；", "、"]).join(out)


def display_id(rng, p, on, kind_p=None):
    s = p.idno
    r = rng.random()
    if r < 0.78:
        if s[-1] == "X" and rng.random() < 0.4:
            s = s[:-1] + "x"
        if rng.random() < 0.015:
            s = s.translate(FW)
        if rng.random() < 0.02:
            s = " " + s
        return s
    if r < 0.84 and p.birth.year < 1985:
        return s[:6] + s[8:17]  # old 15-digit number
    if r < 0.93:
        return rng.choice([s[:6] + "********" + s[-4:], s[:3] + "*" * 11 + s[-4:], s[:10] + "****" + s[-4:], s[:6] + "*" * 12])
    # invalid: a typo in one digit or a digit lost
    i = rng.randrange(6, 17)
    if rng.random() < 0.7:
        c = str((int(s[i]) + rng.randint(1, 9)) % 10)
        return s[:i] + c + s[i + 1:]
    return s[:i] + s[i + 1:]


def org_place(rng, o: Org):
    a = render_addr(rng, o.addr, vague_p=0.02)
    r = rng.random()
    if o.kind == "施工":
        return rng.choice([f"{a}（{o.name}）", f"{o.name}工地", f"{a}附近工地", a])
    if r < 0.4:
        return a
    if r < 0.7:
        return f"{a}（{rng.choice(o.aliases[:2])}）" if rng.random() < 0.5 else f"{rng.choice(o.aliases[:2])}（{a}）"
    return rng.choice([f"{o.aliases[0]}门口", f"{o.aliases[0]}", f"{a}（{o.aliases[1]}）"])


def addr_for(rng, rec, d, which):
    """which: 'place' (where it happened) or 'home' (the reporter's home)"""
    habit = rec.rep.habit or (rng.randint(0, 9), 1.0, 0.5)
    style = habit[0] if habit[1] < 0.6 else None
    src = rec.source
    if style is None:
        style = rng.randint(0, 9)
        if src == "petition" and rng.random() < 0.4:
            style = rng.randint(0, 2)
    if which == "place":
        for role in ("B_org", "B"):
            o = d.roles.get(role)
            if isinstance(o, Org) and d.place is o.addr:
                return org_place(rng, o)
    if which == "place":
        a = d.place
    else:
        a = rec.rep.hh.addr if rec.rep.hh is not None else d.place
    vague = 0.06 if src == "hotline_12345" else 0.03
    return render_addr(rng, a, style, vague_p=vague)


POLICE_CAT = {
    "婚姻家庭": ["纠纷-家庭纠纷", "纠纷-家庭纠纷", "纠纷-婚姻家庭纠纷", "求助"], "邻里": ["纠纷-邻里纠纷", "纠纷-邻里纠纷", "纠纷-其他纠纷"],
    "债务/经济": ["纠纷-经济纠纷", "纠纷-债务纠纷"], "物业": ["纠纷-物业纠纷", "纠纷-其他纠纷"], "劳资/欠薪": ["纠纷-劳资纠纷", "纠纷-经济纠纷"],
    "土地/宅基地": ["纠纷-土地纠纷", "纠纷-邻里纠纷", "纠纷-其他纠纷"], "继承": ["纠纷-家庭纠纷", "纠纷-经济纠纷"],
    "消费": ["纠纷-消费纠纷", "纠纷-经济纠纷"], "施工扰民": ["治安-噪声扰民", "纠纷-其他纠纷", "求助"], "其他": ["纠纷-其他纠纷", "求助"],
}
HOTLINE_CAT = {
    "婚姻家庭": [["社会管理", "矛盾纠纷", "家庭纠纷"], ["社会管理", "矛盾纠纷"], ["社会管理", "婚姻家庭"]],
    "邻里": [["社会管理", "矛盾纠纷", "邻里纠纷"], ["社会管理", "矛盾纠纷"]],
    "债务/经济": [["社会管理", "矛盾纠纷", "经济纠纷"], ["公共安全", "治安管理"], ["社会管理", "矛盾纠纷"]],
    "物业": [["城乡建设", "住房管理", "物业管理"], ["城乡建设", "物业管理", "物业服务"]],
    "劳资/欠薪": [["劳动和社会保障", "劳动关系", "拖欠工资"], ["劳动和社会保障", "工资福利"], ["劳动保障", "劳动合同"]],
    "土地/宅基地": [["农业农村", "农村土地", "宅基地"], ["农业农村", "土地承包"], ["规划国土", "征地拆迁"]],
    "继承": [["社会管理", "矛盾纠纷", "家庭纠纷"], ["司法", "法律咨询"]],
    "消费": [["市场管理", "消费纠纷"], ["市场监管", "消费维权"], ["市场管理", "商品质量"]],
    "施工扰民": [["城乡建设", "施工管理", "施工扰民"], ["环境保护", "噪声污染", "施工噪声"]],
    "其他": [["社会管理", "矛盾纠纷"], ["公共安全", "治安管理"], ["其他"]],
}
HOTLINE_SUB = {
    "nb_leak": [["城乡建设", "住房管理", "房屋漏水"]], "nb_noise": [["环境保护", "噪声污染", "生活噪声"]],
    "nb_parking": [["城市管理", "停车管理"]], "nb_passage": [["城市管理", "私搭乱建"]], "pm_heating": [["城乡建设", "供暖"]],
    "pm_elevator": [["城乡建设", "住房管理", "电梯"]], "pm_delivery": [["城乡建设", "房地产", "房屋交付"]],
    "wage_injury": [["劳动和社会保障", "工伤"]], "cs_dust": [["环境保护", "大气污染", "扬尘"]], "cs_truck": [["城市管理", "渣土运输"]],
    "ot_mental": [["卫生健康", "精神卫生"]], "ot_dogbite": [["城市管理", "犬只管理"]], "con_prepaid": [["市场管理", "消费纠纷", "预付卡"]],
}
PETITION_CAT = {
    "婚姻家庭": ["婚姻家庭", "民政-婚姻家庭", "婚姻家庭", "其他"], "邻里": ["邻里纠纷", "城乡建设", "其他"],
    "债务/经济": ["经济纠纷", "涉法涉诉"], "物业": ["城乡建设-物业管理", "住房保障", "城乡建设"],
    "劳资/欠薪": ["劳动社保-拖欠工资", "劳动和社会保障", "劳资纠纷"], "土地/宅基地": ["农村农业-土地承包", "国土资源-宅基地", "征地拆迁", "农村农业"],
    "继承": ["婚姻家庭-继承", "涉法涉诉", "家庭纠纷"], "消费": ["市场监管", "经济纠纷"], "施工扰民": ["城乡建设", "环境保护"],
    "其他": ["其他", "政法"],
}
DISTRICT_BUREAU = {"110114": "昌平区", "110112": "通州区", "110102": "西城区"}


def police_category(rng, d, ev):
    if ev & DV_EV:
        o = ["纠纷-家庭纠纷", "家庭暴力", "纠纷-婚姻家庭纠纷"]
        if ev & {"dv_injury", "strangulation"}:
            o += ["治安-殴打他人", "刑事-故意伤害"]
        return rng.choice(o)
    if "threat_kill" in ev and rng.random() < 0.5:
        return "治安-威胁人身安全"
    if "physical" in ev and rng.random() < 0.55:
        return rng.choice(["治安-殴打他人", "治安-殴打他人", "治安-打架斗殴"])
    if "suicide_threat" in ev and rng.random() < 0.4:
        return rng.choice(["求助", "求助-扬言轻生"])
    if d.sub == "ot_traffic":
        return rng.choice(["交通-事故纠纷", "纠纷-其他纠纷"])
    return rng.choice(POLICE_CAT[d.kind])


def urgency(ev):
    if ev & {"threat_kill", "weapon", "suicide_threat", "strangulation", "dv_injury", "order_breach"}:
        return "特急"
    if ev & {"dv", "physical"}:
        return "紧急"
    return "一般"


def fed_category(rng, d, rec):
    if rec.dv_flag and rng.random() < 0.85:
        return "家庭暴力"
    if d.sub == "custody":
        return "子女抚养"
    if d.sub in ("divorce_property",) or d.kind == "继承":
        return "财产继承"
    if d.kind == "婚姻家庭":
        return rng.choice(["婚姻家庭", "婚姻家庭", "其他"]) if rec.dv_flag else "婚姻家庭"
    return "其他"


def fill(rng, d, rec):
    """canonical values of a record, in the agency's terms"""
    on = rec.t.date()
    src = rec.source
    voice = {"police": "police", "hotline_12345": "hotline", "petition": "petition", "womens_federation": "fed"}[src]
    rec.rep_text_name = rec.rep.name if rng.random() < 0.6 else rec.rep.surname + "某"
    c = Ctx(rng, d, rec, voice)
    f = {"ref": rec.ref, "t": rec.t}
    f["name"] = display_name(rng, rec, d, on)
    f["phone"] = display_phone(rng, rec, d, mask_p=0.0)
    f["desc"] = describe(c)
    unit = d.unit
    if src == "police":
        f["id"] = display_id(rng, rec.rep, on) if rng.random() < 0.55 else ""
        f["addr"] = addr_for(rng, rec, d, "place")
        f["cat"] = police_category(rng, d, rec.events)
        f["disp"] = police_disposition(c)
        st = POLICE_STATION.get(unit.town_code, f"{unit.town_short}派出所")
        f["unit"] = st if rng.random() < 0.85 else (DISTRICT_BUREAU[unit.district_code] + "公安分局" + st)
    elif src == "hotline_12345":
        f["addr"] = addr_for(rng, rec, d, "place")
        cats = HOTLINE_SUB.get(d.sub, []) * 2 + HOTLINE_CAT[d.kind]
        cat = list(rng.choice(cats))
        if rec.events & DV_EV and rng.random() < 0.4:
            cat = ["社会管理", "妇女儿童", "家庭暴力"]
        f["cat"] = cat
        if d.kind in ("施工扰民",) or d.sub == "nb_noise":
            at = rng.choice(["投诉", "举报", "投诉"])
        elif rec.events & (VIOLENT | {"threat_kill", "suicide_threat"}) or d.domestic:
            at = rng.choice(["求助", "求助", "投诉"])
        elif not rec.events and rng.random() < 0.25:
            at = "咨询"
        else:
            at = rng.choice(["投诉"] * 8 + ["求助", "建议"])
        f["atype"] = at
        f["urg"] = urgency(rec.events)
        gov = TOWN_GOV.get(unit.town_code, unit.town + ("人民政府" if unit.town.endswith(("镇", "乡")) else "办事处"))
        bureau = DISTRICT_BUREAU[unit.district_code]
        h = {"劳资/欠薪": [gov, f"{bureau}人力资源和社会保障局", f"{bureau}人力社保局"], "物业": [gov, f"{bureau}住房和城乡建设委员会"],
             "施工扰民": [gov, f"{bureau}城市管理综合行政执法局", f"{bureau}住建委"], "消费": [f"{bureau}市场监督管理局", gov],
             "土地/宅基地": [gov, f"{bureau}农业农村局", f"{bureau}规划和自然资源委员会"]}.get(d.kind, [gov])
        if rec.events & DV_EV:
            h = h + [POLICE_STATION.get(unit.town_code, gov), f"{bureau}妇联"]
        f["handler"] = rng.choice(h)
        days = {"特急": 1, "紧急": 3, "一般": rng.choice([7, 7, 15])}[f["urg"]]
        f["deadline"] = rec.t + dt.timedelta(days=days)
        f["deadline_days"] = days
    elif src == "petition":
        f["id"] = display_id(rng, rec.rep, on) if rng.random() < 0.93 else ""
        f["addr_home"] = addr_for(rng, rec, d, "home")
        f["addr_place"] = addr_for(rng, rec, d, "place")
        if rec.headcount >= 5:
            f["channel"] = "来访"
        else:
            f["channel"] = rng.choice(["来访"] * 11 + ["网上信访"] * 5 + ["来信"] * 2 + ["电话"] * 2)
        f["n"] = rec.headcount
        cat = rng.choice(PETITION_CAT[d.kind])
        if d.domestic and rec.repeat and rng.random() < 0.2:
            cat = "政法-公安"
        f["cat"] = cat
        f["repeat"] = "是" if rec.repeat else "否"
        f["skip"] = "是" if rec.skip else "否"
    else:
        p = rec.rep
        f["sex"] = "男" if p.sex == "M" else "女"
        f["age"] = p.age(on)
        f["addr"] = addr_for(rng, rec, d, "home")
        f["cat"] = fed_category(rng, d, rec)
        f["dv"] = "是" if rec.dv_flag else "否"
        ref_opts = ["司法所", "派出所", "人民法庭", "心理咨询机构", "法律援助中心", "村（居）妇联", "社区居委会", "无", "", "律师事务所"]
        if rec.dv_flag:
            ref_opts += ["派出所", "派出所、司法所", "人民法庭", "派出所、人民法庭"]
        f["referral"] = rng.choice(ref_opts)
        f["disp"] = fed_disposition(c)
    return f
