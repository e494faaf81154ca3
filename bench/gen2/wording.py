"""Wording: each agency's own voice, written from the scenario facts.

Risk content (violence, threats, weapons, suicide, protection orders) comes
ONLY from the incident's events; causes and demands never carry risk words,
and negated/hedged phrases are chosen so that they never contradict the
events.  Within one dispute a template is not used twice when an unused one is
available, so linked records do not share sentences.
"""
from __future__ import annotations

import datetime as dt
import random
import re

from people import CONFUSE
from places import render

CN_DIG = "零一二三四五六七八九"


# ------------------------------------------------------------------ helpers
class _Safe(dict):
    def __missing__(self, k):
        return ""


def fill(tpl: str, ctx: dict) -> str:
    return tpl.format_map(_Safe(ctx))


def pick(rng, key, pool, used):
    """Choose from pool, avoiding templates this dispute already used."""
    free = [i for i in range(len(pool)) if (key, i) not in used]
    i = rng.choice(free) if free else rng.randrange(len(pool))
    used.add((key, i))
    return pool[i]


def cn_int(n: int) -> str:
    """Chinese numerals for 0 < n < 10^8 (enough for money)."""
    def sec(x):
        out, zero = "", False
        for i, u in ((3, "千"), (2, "百"), (1, "十"), (0, "")):
            q = x // 10 ** i % 10
            if q:
                if zero:
                    out += "零"
                    zero = False
                out += CN_DIG[q] + u
            elif out:
                zero = True
        return out
    if n < 10000:
        s = sec(n)
    else:
        hi, lo = divmod(n, 10000)
        s = sec(hi) + "万"
        if lo:
            s += ("零" if lo < 1000 else "") + sec(lo)
    if s.startswith("一十"):
        s = s[1:]
    return s or "零"


def colloquial(x: int) -> str:
    """36000 -> 三万六, 4500 -> 四千五"""
    if 10000 <= x < 100000 and x % 1000 == 0:
        a, b = divmod(x // 1000, 10)
        return cn_int(a) + "万" + (CN_DIG[b] if b else "")
    if 1000 <= x < 10000 and x % 100 == 0:
        a, b = divmod(x // 100, 10)
        return cn_int(a) + "千" + (CN_DIG[b] if b else "")
    return cn_int(x)


def money(rng, x: float, side: str = "a") -> str:
    """A sum of money the way someone would say it; sides quote differently."""
    if side == "b":
        x = x * rng.choice([0.5, 0.6, 0.7, 0.8, 0.9])
    elif side == "a":
        x = x * rng.choice([1, 1, 1, 1.1, 1.2, 1.3])
    x = int(round(x, -2)) if x >= 1000 else int(round(x))
    w = x / 10000
    r = rng.random()
    if x < 10000:
        opts = [f"{x}元", f"{x}块钱", f"{cn_int(x)}元", f"{x}元左右", f"{colloquial(x)}块钱", f"{x}元"]
    else:
        ws = f"{w:.1f}".rstrip("0").rstrip(".")
        opts = [f"{x}元", f"{ws}万元", f"{ws}万", f"{cn_int(int(w))}万多" if w >= 1 else f"{x}元",
                f"约{ws}万元", f"{int(w)}万余元", f"人民币{x}元", f"{x:,}元", f"{cn_int(x)}元" if x % 1000 == 0 else f"{x}元",
                f"{ws}万块钱", f"{colloquial(x)}"]
    return opts[int(r * len(opts))]


# ------------------------------------------------------------------ names in text
def mention(rng, p, ref_date: dt.date) -> str:
    """How a third person is named inside a description."""
    r = rng.random()
    if r < 0.03:
        return misspell(p.name, rng)
    if r < 0.3:
        return p.name
    if r < 0.62:
        return p.surname + "某"
    if r < 0.8:
        return p.surname + "某某"
    if r < 0.92:
        young = p.age_at(ref_date) < 40
        return ("小" if young else "老") + p.surname
    return p.surname + ("女士" if p.sex == "女" else "先生")


def misspell(name, rng):
    idx = [i for i, c in enumerate(name) if c in CONFUSE]
    if not idx:
        return name
    i = rng.choice(idx)
    return name[:i] + rng.choice(CONFUSE[name[i]]) + name[i + 1:]


# ------------------------------------------------------------------ relationships
FAMILY_REL = {
    ("wife", "husband"): ["丈夫", "其丈夫", "老公", "其夫", "丈夫{n}", "男方", "爱人"],
    ("husband", "wife"): ["妻子", "其妻", "老婆", "媳妇", "妻子{n}", "女方", "爱人"],
    ("wife_mother", "husband"): ["女婿", "其女婿", "女婿{n}", "姑爷"],
    ("wife_mother", "wife"): ["其女儿", "女儿", "女儿{n}"],
    ("husband_mother", "wife"): ["儿媳", "儿媳妇", "儿媳{n}"],
    ("husband_mother", "husband"): ["儿子", "其儿子", "儿子{n}"],
    ("wife", "husband_mother"): ["婆婆", "婆婆", "丈夫的母亲"],
    ("wife", "wife_mother"): ["母亲", "娘家妈", "其母"],
    ("husband", "husband_mother"): ["母亲", "老母亲", "他妈"],
    ("husband", "wife_mother"): ["丈母娘", "岳母", "丈母娘{n}"],
    ("child", "husband"): ["父亲", "其父", "爸爸"],
    ("child", "wife"): ["母亲", "其母", "妈妈"],
    ("neighbour", "husband"): ["邻居家男的", "隔壁男主人", "邻居{n}", "邻居家男主人"],
    ("neighbour", "wife"): ["邻居家女的", "邻居家媳妇", "女主人", "邻居家女主人"],
}
EX_REL = {("wife", "husband"): ["前夫", "孩子他爸", "前夫{n}", "前夫"],
          ("husband", "wife"): ["前妻", "孩子他妈", "前妻{n}"]}

KIND_CP = {   # how side a refers to side b (and b to a) when no family relation applies
    "邻里": (["邻居", "邻居{n}", "对方", "{pos}邻居", "{pos}住户", "{pos}{n}"], ["邻居", "对方", "{pos}邻居{n}", "{pos}那家"]),
    "债务/经济": (["{rel}{n}", "对方", "欠款人{n}", "借款人", "{n}"], ["{rel}{n}", "对方", "债主{n}", "{n}"]),
    "物业": (["物业", "物业公司", "{org}", "物业工作人员", "物业经理"], ["业主{n}", "该业主", "业主"]),
    "劳资/欠薪": (["老板", "公司", "{org}", "公司负责人{n}", "老板{n}", "单位"], ["工人{n}", "员工", "几名工人"]),
    "土地/宅基地": (["邻居{n}", "对方", "同村村民{n}", "{n}"], ["邻居{n}", "对方", "{n}"]),
    "消费": (["商家", "店家", "{org}", "店老板", "该店", "商家{org}"], ["顾客{n}", "该顾客"]),
    "施工扰民": (["工地", "施工方", "{org}", "施工单位", "附近工地"], ["居民", "附近居民"]),
    "其他": (["对方", "{n}"], ["对方", "{n}"]),
}
OTHER_CP = {"租房押金": (["房东", "房东{n}"], ["租客{n}", "租户"]),
            "宠物伤人": (["狗主人", "狗主人{n}", "邻居{n}"], ["对方", "被咬的人"]),
            "交通事故": (["对方司机", "对方", "肇事方{n}"], ["对方司机", "对方"]),
            "广场舞": (["跳广场舞的领队{n}", "广场舞队伍", "跳舞的那帮人"], ["投诉的居民", "楼上住户{n}"]),
            "租金": (["租户{n}", "租客", "租户"], ["房东{n}", "房东"]),
            "借款": (["借款人{n}", "欠款人", "{rel}{n}", "对方", "{n}"], ["债主{n}", "{rel}{n}", "对方", "{n}"]),
            "合伙": (["合伙人{n}", "{rel}{n}", "对方"], ["合伙人{n}", "对方"]),
            "货款": (["客户{n}", "老板{n}", "对方", "{n}"], ["供货商{n}", "对方", "{n}"]),
            "装修款": (["房主{n}", "业主{n}", "雇主{n}"], ["装修师傅{n}", "装修工人"])}


def ref(w, d, r, rng, from_pid, to_pid) -> str:
    pop = w.pop
    if to_pid is None:
        org = d.orgs.get("company") or d.orgs.get("village")
        if org is None:
            return "对方"
        pool = KIND_CP.get(d.kind, KIND_CP["其他"])[0]
        return fill(rng.choice(pool), {"org": short_org(rng, org), "n": "", "pos": "", "rel": ""}) or "对方"
    if to_pid == from_pid:
        return rng.choice(["其", "其", "自己"])
    fr = next((k for k, v in d.roles.items() if v == from_pid), "")
    to = next((k for k, v in d.roles.items() if v == to_pid), "")
    p = pop.get(to_pid)
    n = mention(rng, p, r.t.date())
    if d.kind == "婚姻家庭":
        tab = EX_REL if d.subtype == "抚养探视" else FAMILY_REL
        if (fr, to) in tab:
            return fill(rng.choice(tab[(fr, to)]), {"n": n})
        if fr == "elder":
            return rng.choice(["儿子" if p.sex == "男" else "女儿", "子女", n])
        if to == "elder":
            if fr == "neighbour":
                return rng.choice(["邻居家老人", f"{p.surname}老太太" if p.sex == "女" else f"{p.surname}大爷", "老人"])
            return rng.choice(["父亲" if p.sex == "男" else "母亲", "老人", "老父亲" if p.sex == "男" else "老母亲"])
        if fr.startswith("child") and to.startswith("child"):
            return sib_word(rng, pop.get(from_pid), p, r.t.date(), n)
        return n
    if d.kind == "继承":
        return sib_word(rng, pop.get(from_pid), p, r.t.date(), n)
    a_side = d.sides.get(from_pid) == "a"
    if d.sides.get(from_pid) == "t":
        return fill(rng.choice(["{n}", "{s}家", "{n}家", "{n}"]), {"n": n, "s": p.surname})
    if d.subtype in OTHER_CP:
        pool = OTHER_CP[d.subtype][0 if a_side else 1]
    else:
        pool = KIND_CP.get(d.kind, KIND_CP["其他"])[0 if a_side else 1]
    org = d.orgs.get("company") or d.orgs.get("village")
    pos = ""
    if d.kind == "邻里":
        pos = rng.choice(["楼上", "楼下", "对门", "隔壁"] if not d.place.is_village else ["隔壁", "东院", "西院", "后院", "前院"])
        d.facts.setdefault("pos", pos)
        pos = d.facts["pos"] if a_side else {"楼上": "楼下", "楼下": "楼上"}.get(d.facts["pos"], d.facts["pos"])
    if "village" in d.orgs:
        pool = ["村委会", "村里", "村干部", "{org}"] if a_side else ["村民{n}", "该村民", "村民"]
    return fill(rng.choice(pool), {"n": n, "org": short_org(rng, org) if org else "", "pos": pos,
                                   "rel": d.facts.get("rel", "")})


def sib_word(rng, me, other, date, n):
    older = other.birth < me.birth
    if other.sex == "男":
        w = "哥哥" if older else "弟弟"
    else:
        w = "姐姐" if older else "妹妹"
    return rng.choice([w, w, w + n, ("大" if older else "小") + w[0], n])


def short_org(rng, o) -> str:
    name = o.name
    if rng.random() < 0.5:
        return name
    s = name.replace("北京市", "").replace("北京", "").replace("有限公司", "公司")
    return s if rng.random() < 0.7 else s[:4] + "公司" if o.kind == "company" else s


# ------------------------------------------------------------------ causes (no risk words!)
CAUSE = {
    ("婚姻家庭", "夫妻矛盾"): {
        "a": ["{C}长期酗酒，喝多了就在家闹", "{C}沉迷赌博，把家里积蓄都输光了", "{C}在外面有了别的女人，夫妻感情破裂",
              "双方结婚{yrs}年，近来因家务和带孩子的事经常闹矛盾", "{C}整天玩手机打游戏，家里什么事都不管",
              "双方因孩子上学的事意见不合", "{C}经常夜不归宿", "双方为买房首付的钱闹矛盾", "她提出离婚，{C}不同意",
              "{C}背着家里在网上借了不少钱", "{C}失业在家不找工作，家里开销全靠她", "双方因为过年回谁家的事闹别扭",
              "{C}把钱都给了他父母，家里不够花", "双方育有{kids}，为教育孩子的事意见不一"],
        "b": ["{C}总往娘家跑，家里的事不管", "{C}要跟他离婚，还把孩子带回了娘家", "{C}花钱大手大脚，信用卡欠了好几万",
              "{C}怀疑他在外面有人，天天查他手机", "丈母娘总插手他们两口子的事", "{C}嫌他挣得少，要离婚"],
        "t": ["{C}三天两头吵架", "{C}感情不和，经常闹矛盾", "{C}最近在闹离婚", "{C}因为钱的事一直不消停",
              "{C}家里总有吵闹声"],
    },
    ("婚姻家庭", "离婚财产"): {
        "a": ["双方正在闹离婚，为房子归谁争执不下", "{C}要离婚，但要求房子归他", "离婚分财产时{C}把存款转走了{amt}",
              "双方协议离婚，但{C}不按协议给{amt}", "{C}起诉离婚，财产分割谈不拢"],
        "b": ["{C}离婚要分一半房子", "{C}离婚要价{amt}", "{C}不同意按协议分财产"],
        "t": ["{C}在闹离婚分家产", "{C}为离婚分房子的事闹得厉害"],
    },
    ("婚姻家庭", "婆媳矛盾"): {
        "a": ["婆婆一直看不惯她", "跟婆婆住在一起，生活习惯合不来", "婆婆插手带孩子的事，双方矛盾越来越深",
              "{C}什么事都向着他妈", "婆婆嫌她没生儿子", "婆婆总在外人面前说她坏话"],
        "b": ["{C}和婆婆处不来", "{C}嫌老人在家碍事", "{C}不让老人带孩子", "{C}要把老人撵出去住"],
        "t": ["{C}家婆媳关系一直不好", "{C}家婆媳天天闹别扭"],
    },
    ("婚姻家庭", "翁婿债务"): {
        "a": ["{C}向老人借了{amt}一直不还", "{C}做生意借了岳母{amt}，到期不还", "{C}欠丈母娘{amt}，老人去要钱就翻脸",
              "为{C}欠老人的{amt}，两家闹得很僵", "{C}借走老人{amt}的养老钱，现在不认账"],
        "b": ["{C}天天上门要钱，说他欠了{amt}", "{C}说借了{amt}，其实大部分已经还了", "{C}为了钱的事隔三岔五来家里闹"],
        "t": ["{C}家为欠钱的事闹矛盾", "{C}家丈母娘和女婿为钱闹翻了"],
    },
    ("婚姻家庭", "赡养"): {
        "a": ["几个子女都不尽赡养义务，每月生活费也不给", "{C}把老人的房子占了，不管老人",
              "老人年纪大了没人照顾，{C}互相推诿", "{C}不给老人看病钱", "老人生病住院，{C}谁也不来",
              "{C}不按约定每月给{amt}生活费"],
        "b": ["老人要求每月给{amt}生活费，{ta}负担不起", "赡养老人的事兄弟姐妹意见不一致", "老人跟{ta}住，{C}一分钱不出",
              "{C}照顾老人少，却要分老人的钱"],
        "t": ["{C}没人管", "{C}家几个子女不管老人"],
    },
    ("婚姻家庭", "抚养探视"): {
        "a": ["离婚后孩子跟她，{C}不按时给抚养费", "{C}已经好几个月没给孩子抚养费了", "{C}每次来看孩子都不按约定时间",
              "{C}私自把孩子从学校接走不送回来", "离婚时约定的抚养费{C}一直拖欠，共计{amt}"],
        "b": ["{C}不让他探视孩子", "{C}阻挠他见孩子", "离婚后{C}一直不让孩子跟他见面"],
        "t": ["{C}离婚后为孩子的事经常闹"],
    },
    ("邻里", "漏水"): {
        "a": ["{C}家卫生间漏水，把{H}顶棚泡坏了", "{C}家装修后一直往下渗水", "{H}天花板被{C}家漏水泡得掉皮",
              "{C}家水管漏水，{H}墙面全湿了，找对方维修不理", "{C}家洗衣机跑水，{H}屋顶滴水"],
        "b": ["{C}非说是{ta}家漏的水", "{C}因为漏水的事天天找上门", "{C}要{ta}赔{amt}装修费"],
    },
    ("邻里", "噪音"): {
        "a": ["{C}家晚上在屋里蹦跳、拖椅子", "{C}家每天半夜还在唱歌", "{C}家孩子天天在屋里跑跳",
              "{C}家装修从早到晚电钻声不断", "{C}家音响开得特别大", "{C}家半夜洗衣服、冲厕所声音很大"],
        "b": ["{C}嫌{ta}家有噪音，经常敲暖气管子", "{C}总说{ta}家吵，拿东西捅天花板", "{C}在家放震楼器"],
    },
    ("邻里", "楼道堆物"): {
        "a": ["{C}在楼道里堆满了纸箱杂物", "{C}家把电动车推到楼道里充电", "{C}家鞋柜、杂物占了公共楼道"],
        "b": ["{C}把{ta}家放在楼道的东西扔了", "{C}为楼道放东西的事跟他过不去"],
    },
    ("邻里", "停车"): {
        "a": ["{C}天天把车停在{H}门口", "{C}占了{H}的车位", "{C}用地锁占公共车位", "{C}的车堵住了{H}出门的路"],
        "b": ["{C}不让{ta}在门口停车", "{C}把{ta}的车堵住了"],
    },
    ("邻里", "空调外机"): {
        "a": ["{C}家空调外机正对着{H}窗户", "{C}把空调外机装在{H}墙上，噪音大、吹热风", "{C}家空调外机滴水滴到{H}窗台"],
        "b": ["{C}不让{ta}装空调外机", "{C}说{ta}家空调外机吵"],
    },
    ("邻里", "宠物"): {
        "a": ["{C}家养的狗天天叫", "{C}遛狗不拴绳，狗在楼道里拉屎", "{C}家养了好几只猫，味道很大", "{C}家的狗半夜乱叫"],
        "b": ["{C}嫌{ta}家狗叫", "{C}往{ta}家门口扔东西，说是狗的事"],
    },
    ("邻里", "采光树木"): {
        "a": ["{C}家院里的大杨树挡了{H}的光", "{C}家房子加高后挡了{H}采光", "{C}家的树根把{H}院墙拱裂了"],
        "b": ["{C}要把{ta}家的树砍了", "{C}说{ta}家房子挡光"],
    },
    ("邻里", "排水"): {
        "a": ["{C}家把排水管接到{H}院墙根", "下雨时{C}家的水都流进{H}院里", "{C}家把排水沟堵了，{H}院子积水",
              "{C}家污水往{H}门口排"],
        "b": ["{C}不让{ta}家的水往外排", "{C}把排水沟给堵了"],
    },
    ("邻里", "通道"): {
        "a": ["{C}在胡同里盖了个棚子，把过道占了", "{C}家把公共通道堵住不让走", "{C}在过道上堆放建筑材料"],
        "b": ["{C}说{ta}家占了过道", "{C}不让{ta}从过道走三轮车"],
    },
    ("邻里", "私搭乱建"): {
        "a": ["{C}在院里私自加盖房子", "{C}家私搭彩钢房挡住了路", "{C}在屋顶搭建违建"],
        "b": ["{C}举报{ta}家盖房子", "{C}说{ta}家的棚子是违建"],
    },
    ("债务/经济", "借款"): {
        "a": ["{C}向其借款{amt}，至今未还", "{C}借了{amt}说好半年还，到现在一分没还", "{C}以做生意为由借了{amt}，现在电话不接",
              "其与{C}认识多年，{C}借钱后一直拖着不还", "{C}欠其{amt}，有借条", "{C}借钱时答应给利息，现在连本金{amt}都不还"],
        "b": ["{C}说{ta}欠了{amt}，其实已经还了一部分", "{C}天天上门催债", "{C}逼着{ta}还钱，利息算得太高"],
    },
    ("债务/经济", "合伙"): {
        "a": ["其与{C}合伙做生意，{C}拿走了{amt}货款不分账", "合伙的店散伙后{C}不退投资款{amt}", "{C}私自把合伙的设备卖了"],
        "b": ["{C}要求退回投资款{amt}", "{C}说{ta}私吞了合伙的钱"],
    },
    ("债务/经济", "租金"): {
        "a": ["{C}租其房子，拖欠房租{amt}", "{C}欠了几个月房租，人找不到了", "{C}到期不搬走也不交房租"],
        "b": ["{C}强行换锁不让{ta}进屋", "{C}不退押金还说{ta}欠房租{amt}", "{C}断水断电逼{ta}搬走"],
    },
    ("债务/经济", "货款"): {
        "a": ["{C}拿了其{amt}的货一直不给钱", "{C}欠其货款{amt}", "{C}收货后以各种理由拖欠货款"],
        "b": ["{C}说{ta}欠货款，但货有质量问题", "{C}要货款{amt}，双方账对不上"],
    },
    ("债务/经济", "装修款"): {
        "a": ["其给{C}家装修，{C}还欠{amt}工钱没结", "{C}家装修完了不给尾款{amt}"],
        "b": ["{C}装修质量差还要钱", "{C}装修拖了两个月还要加钱"],
    },
    ("物业", "物业费"): {
        "a": ["{C}服务差，小区卫生没人管，还天天催交物业费", "{C}上门催缴物业费{amt}", "{C}因为没交物业费不给办门禁卡",
              "物业费涨价，{C}不公示账目"],
        "b": ["{C}拖欠物业费{amt}，多次催缴不交", "{C}拒交物业费，还在物业办公室闹"],
    },
    ("物业", "漏水维修"): {
        "a": ["{H}外墙渗水，找{C}好几次没人修", "楼顶防水坏了，{H}屋里漏雨，{C}推诿不管", "地下管道漏水，{C}一直不维修"],
        "b": ["{C}要求物业赔偿漏水损失"],
    },
    ("物业", "停车位"): {
        "a": ["{C}把小区车位高价出租", "{C}不让{ta}的车进小区", "{C}乱收停车费"],
        "b": ["{C}的车长期占消防通道"],
    },
    ("物业", "电梯"): {
        "a": ["楼里电梯经常坏，{C}修了好几次还困人", "电梯停运半个月了，{C}不给说法", "电梯维修基金怎么用的{C}不公开"],
        "b": ["{C}因为电梯的事不交物业费"],
    },
    ("物业", "供暖"): {
        "a": ["家里暖气不热，室温才十几度，{C}不解决", "供暖费交了，{C}说管道问题不归他们管", "{C}给{ta}家停了暖气"],
        "b": ["{C}没交供暖费要求供暖"],
    },
    ("物业", "装修管理"): {
        "a": ["{C}扣着装修押金{amt}不退", "{C}不让装修工人进小区", "{C}装修审批拖着不办"],
        "b": ["{C}装修违规拆改承重墙"],
    },
    ("劳资/欠薪", "拖欠工资"): {
        "a": ["在{org}干了{months}个月，{C}拖欠工资{amt}", "{C}拖欠其{months}个月工资共{amt}，一直说没钱",
              "其在{org}做{job}，{C}欠薪{amt}不给", "年底结账时{C}只给了一部分，还差{amt}",
              "{C}拿工程款没到位当理由不发工资", "离职后{C}一直不结算工资{amt}"],
        "b": ["{C}说公司欠他{amt}，实际已结清大部分", "几个工人堵在公司门口要工资", "{C}要的工资数目和考勤对不上"],
        "c": ["其与{nw}名工友在{org}干活，{C}拖欠工资共计{amt}", "{nw}名工人被{org}拖欠工资{amt}",
              "{org}拖欠{nw}名工人{months}个月工资，共计{amt}", "工地{nw}名工人的工资{amt}被{C}拖欠"],
    },
    ("劳资/欠薪", "工伤"): {
        "a": ["其在{org}干活时受伤，{C}不给报销医药费", "干活摔伤后{C}不承认劳动关系，不给工伤待遇",
              "在{org}上班时手被机器轧伤，{C}只给了一点钱"],
        "b": ["{C}受伤后要求赔偿{amt}，公司认为要价过高"],
    },
    ("劳资/欠薪", "辞退补偿"): {
        "a": ["{C}无故辞退其，不给经济补偿", "{org}突然让其离职，补偿金{amt}不给", "{C}不签劳动合同，辞退时一分补偿没有"],
        "b": ["{C}被辞退后索要{amt}补偿"],
    },
    ("劳资/欠薪", "包工头跑路"): {
        "a": ["包工头{fm}拿了工程款跑了，工人工资{amt}没着落", "跟着包工头{fm}在{org}的工地干活，包工头失联，欠工资{amt}",
              "{org}说工钱已经给了包工头{fm}，包工头联系不上"],
        "b": ["工人讨要的工钱公司已经付给包工头"],
        "c": ["包工头{fm}卷款失联，{nw}名工人的工资{amt}没人给", "{nw}名工人跟着包工头{fm}干活，{amt}工资没拿到"],
    },
    ("土地/宅基地", "宅基地界址"): {
        "a": ["{C}翻盖房子时占了{H}宅基地{area}米", "两家宅基地界线不清，{C}把院墙往{H}这边挪了", "{C}在{H}宅基地上垒墙"],
        "b": ["{C}说{ta}家盖房占了地方", "{C}非说界线在他家院里"],
    },
    ("土地/宅基地", "翻建房屋"): {
        "a": ["{C}家翻建房子，地基挖到{H}墙根", "{C}家盖二层楼挡了{H}", "{C}翻建时把{H}的房子震裂了"],
        "b": ["{C}阻拦{ta}家翻建房子", "{C}不让{ta}家施工车辆进出"],
    },
    ("土地/宅基地", "承包地"): {
        "a": ["{C}占种了{H}{area}亩承包地", "村里调地时{C}多占了{area}亩", "{C}把{H}承包地上的树砍了"],
        "b": ["{C}说{ta}种了别人的地"],
    },
    ("土地/宅基地", "补偿分配"): {
        "a": ["村里征地补偿款分配不公，{H}少分了{amt}", "{C}没把{H}家列入补偿名单", "拆迁补偿款{C}迟迟不发"],
        "b": ["{C}对补偿方案不满，多次到村委会闹"],
    },
    ("继承", "房产"): {
        "a": ["{dec}去世后留下一套房子，{C}想独占", "{C}把{dec}的房子过户到自己名下", "{C}住着{dec}留下的房子不让其他兄妹分",
              "{dec}生前说房子留给{ta}，{C}不认"],
        "b": ["{C}照顾老人少，现在却来争房子", "{dec}生前是{ta}照顾的，{C}没尽过孝", "{C}要求卖房分钱"],
    },
    ("继承", "拆迁款"): {
        "a": ["{dec}的宅基地拆迁款{amt}被{C}拿走了", "拆迁补偿{amt}{C}不给其他人分", "为分老人的拆迁款兄妹闹翻了"],
        "b": ["{C}嫁出去多年，也要分拆迁款", "{C}要求平分拆迁款{amt}"],
    },
    ("继承", "存款"): {
        "a": ["{dec}去世后银行存款被{C}取走", "{C}拿着{dec}的存折不给大家看", "{C}把老人的存款{amt}转到自己卡上"],
        "b": ["{C}怀疑{ta}私吞了老人的存款"],
    },
    ("消费", "预付卡"): {
        "a": ["在{org}办了{amt}的会员卡，现在店关门了", "{C}突然闭店，预付款{amt}退不了", "{C}卷款跑路，卡里还有{amt}"],
        "b": ["{C}要求退卡，店里按规定只能退一部分"],
    },
    ("消费", "装修"): {
        "a": ["找{C}装修，施工质量差还要加价{amt}", "{C}收了装修款{amt}后工人不来了", "{C}用的材料跟合同不一样"],
        "b": ["{C}不付尾款"],
    },
    ("消费", "保健品"): {
        "a": ["老人在{C}花了{amt}买保健品", "{C}以讲座送鸡蛋为名让老人买了{amt}的保健品", "{C}把普通食品当药卖给老人"],
        "b": ["{C}家属要求退货"],
    },
    ("消费", "二手车"): {"a": ["在{C}买的二手车是事故车，要求退车", "{C}隐瞒车况，花了{amt}"], "b": ["{C}要退车"]},
    ("消费", "家电维修"): {"a": ["找{C}修洗衣机被收了{amt}，还没修好", "{C}上门维修乱收费{amt}"], "b": ["{C}不给维修费"]},
    ("消费", "教培退费"): {"a": ["给孩子报了{C}的课，{amt}学费不给退", "{C}停课后不退剩余学费{amt}"], "b": ["{C}中途要求退费"]},
    ("施工扰民", "夜间施工"): {
        "a": ["{C}夜里十二点以后还在施工，噪音特别大", "{C}半夜打桩，吵得没法睡觉", "{C}凌晨还在浇筑混凝土，机器轰鸣",
              "附近{C}每天晚上施工到后半夜", "{C}夜间施工，家里老人孩子休息不了"],
        "b": ["居民阻拦工地施工"],
    },
    ("施工扰民", "扬尘"): {"a": ["{C}土方没有苫盖，扬尘很大", "{C}施工尘土飞扬，窗户都不敢开", "{C}工地车辆出入带泥上路"],
                       "b": ["居民阻拦工地车辆"]},
    ("施工扰民", "渣土车"): {"a": ["{C}的渣土车夜里来回跑，噪音大还撒土", "渣土车把路压坏了，{C}不管", "{C}渣土车超速，门口路上全是土"],
                        "b": ["居民拦渣土车"]},
    ("其他", "租房押金"): {"a": ["租房到期后{C}不退押金{amt}", "{C}以各种理由扣押金{amt}", "{C}提前收房不退房租"],
                       "b": ["{C}把房子弄坏了还要押金", "{C}退租时不交水电费"]},
    ("其他", "宠物伤人"): {"a": ["{C}家的狗把其咬了，打疫苗花了{amt}", "被{C}家没拴绳的狗咬了，{C}不赔", "孩子被{C}家狗扑倒咬伤，对方不管"],
                       "b": ["{C}说被狗咬了，要赔{amt}"]},
    ("其他", "交通事故"): {"a": ["与{C}的车发生剐蹭，对方不赔", "{C}骑电动车撞了其，医药费{amt}不给", "{C}倒车撞了其家院墙"],
                       "b": ["{C}要价{amt}，赔偿谈不拢"]},
    ("其他", "广场舞"): {"a": ["{C}每天晚上在楼下跳广场舞，音响太大", "{C}占着小区空地跳舞，音乐声吵得孩子没法写作业"],
                      "b": ["{C}往她们跳舞的地方泼水"]},
}
THIRD_CAUSE = {"邻里": ["{C}因为{topic}的事一直有矛盾", "{C}为{topic}的事闹得不可开交", "{C}为{topic}的事闹了很久"],
               "债务/经济": ["{C}为欠钱的事闹矛盾", "{C}之间有经济纠纷"], "土地/宅基地": ["{C}因为地的事闹了好几年"]}
SHORT = {"夫妻矛盾": "家庭琐事", "离婚财产": "离婚分财产", "婆媳矛盾": "婆媳矛盾", "翁婿债务": "欠款", "赡养": "赡养老人",
         "抚养探视": "孩子抚养", "借款": "借款", "合伙": "合伙账目", "租金": "房租", "货款": "货款", "装修款": "装修款",
         "物业费": "物业费", "漏水维修": "漏水维修", "停车位": "停车", "电梯": "电梯", "供暖": "供暖", "装修管理": "装修押金",
         "拖欠工资": "工资", "工伤": "工伤赔偿", "辞退补偿": "辞退补偿", "包工头跑路": "工钱", "宅基地界址": "宅基地",
         "翻建房屋": "盖房", "承包地": "承包地", "补偿分配": "补偿款", "房产": "老人房产", "拆迁款": "拆迁款", "存款": "老人存款",
         "预付卡": "退卡退费", "装修": "装修", "保健品": "保健品", "二手车": "二手车", "家电维修": "维修费", "教培退费": "学费",
         "夜间施工": "施工噪音", "扬尘": "扬尘", "渣土车": "渣土车", "租房押金": "押金", "宠物伤人": "狗咬人",
         "交通事故": "事故赔偿", "广场舞": "广场舞"}
SHORT_TPL = ["又因{topic}的事找{C}", "还是{topic}的问题", "因{topic}问题", "仍是{topic}的事没解决", "{topic}问题一直没解决",
             "与{C}之间{topic}的事还没了结", "为{topic}的事"]
TOPIC = {"漏水": "漏水", "噪音": "噪音", "楼道堆物": "楼道堆东西", "停车": "停车", "空调外机": "空调外机", "宠物": "养狗",
         "采光树木": "树挡光", "排水": "排水", "通道": "过道", "私搭乱建": "盖房"}
SHORT.update(TOPIC)
JOBS = ["保洁", "保安", "厨师", "司机", "瓦工", "木工", "电工", "装卸工", "服务员", "库管", "钢筋工", "小工"]

# ------------------------------------------------------------------ incident phrases (carry the events)
EV = {
    "heated": ["{S}与{C}发生口角", "双方发生争吵", "双方吵了起来，互相谩骂", "两人又大吵了一架", "{C}在门口大吵大闹",
               "双方发生言语冲突", "{C}对{S}破口大骂", "双方吵得很凶，邻居都出来看", "{C}堵在门口骂了半天",
               "双方恶语相向", "{C}上门理论，双方争执不下"],
    "physical": ["双方发生推搡", "双方厮打在一起", "{A}推了{V}一把，{V}手臂擦伤", "{A}动手打了{V}一拳", "双方互殴，均有轻微擦伤",
                 "{A}揪住{V}的衣领推搡", "争执中{A}把{V}推倒在地", "双方动了手，{V}脸上被抓破"],
    "dv": ["{A}对{V}推搡打骂", "{A}打了{V}一耳光", "{A}长期对{V}打骂", "{A}经常对{V}动手", "{A}喝醉后对{V}拳打脚踢",
           "{A}控制{V}的手机和工资卡，不让{V}出门", "{A}跟踪{V}上下班", "{A}在家砸东西、踹门吓唬{V}", "{A}经常辱骂、殴打{V}",
           "{A}把{V}锁在屋里不让出门", "{A}多次动手打{V}"],
    "dv_injury": ["{A}把{V}打伤，脸部红肿", "{A}对{V}拳打脚踢，致{V}头部受伤", "{V}被{A}打得鼻子流血", "{A}用拳头殴打{V}，{V}眼眶青紫",
                  "{V}胳膊、后背多处淤青，系被{A}殴打所致", "{V}被{A}打伤，已到医院缝针", "{A}动手打人，{V}肋骨疼痛，已去医院检查",
                  "{A}揪着{V}头发往墙上撞，{V}额头起包"],
    "strangulation": ["{A}掐住{V}的脖子", "{A}用手掐{V}脖子，{V}险些喘不上气", "{A}把{V}按在床上掐脖子", "{A}用围巾勒{V}的脖子",
                      "{A}卡住{V}脖子不放"],
    "threat_kill": ["{A}扬言要杀了{V}", "{A}放话要弄死{V}全家", "{A}威胁说要跟{V}同归于尽", "{A}说“再闹就要你的命”",
                    "{A}扬言要报复，要让{V}“见血”", "{A}声称要打断{V}的腿", "{A}扬言要把{V}打死", "{A}说要让{V}活不成"],
    "threat_weapon": ["{A}拿着{W}扬言要杀了{V}", "{A}手持{W}说要跟{V}同归于尽", "{A}拿{W}比划着说要弄死{V}",
                      "{A}扬言要拿{W}砍死{V}", "{A}举着{W}喊着要{V}的命"],
    "weapon": ["{A}拿着{W}站在门口", "{A}从屋里拎出{W}挥舞", "{A}手持{W}在院里叫骂", "{A}抄起{W}冲了出来，被旁人拦下",
               "{A}手里拎着{W}堵门"],
    "suicide_threat": ["{D}扬言要跳楼", "{D}说不想活了", "{D}站在楼顶边上说要跳下去", "{D}称再不解决就从楼上跳下去",
                       "{D}说要去跳河", "{D}情绪崩溃，说活着没意思要寻短见", "{D}扬言要死在{where}"],
    "suicide_weapon": ["{D}拿着{W}抵着自己手腕说不想活了", "{D}手持{W}要自残"],
    "order_breach": ["法院已对{A}发出人身安全保护令，{A}仍跑到{V}住处纠缠", "{A}违反人身安全保护令，又到{V}单位闹",
                     "保护令期间{A}再次上门骚扰{V}", "{A}无视人身安全保护令，多次上门找{V}"],
    "order_application": ["{V}希望向法院申请人身安全保护令", "咨询如何申请人身安全保护令", "要求妇联协助申请人身安全保护令",
                          "想申请人身安全保护令"],
}
WEAPONS = {"婚姻家庭": ["菜刀", "水果刀", "剪刀", "擀面杖", "皮带", "啤酒瓶", "刀"],
           "default": ["铁锹", "木棍", "镐把", "砖头", "菜刀", "铁棍", "扳手", "锄头", "刀"]}
NEG = {
    "touch": ["双方未发生肢体冲突", "没有动手", "只是吵，没动手", "未发生肢体接触", "{C}没有动手打人", "双方没有肢体接触"],
    "injury": ["无人员受伤", "未见明显外伤", "没有人受伤", "现场无人受伤"],
    "threat": ["没有说过激的话", "{C}否认说过要报复的话", "对方没有威胁的言语"],
    "weapon": ["现场未发现刀具", "{C}手里没拿东西", "没有持械"],
    "hedge_org": ["担心事情闹大", "{S}称心里很着急", "{S}担心钱要不回来", "{S}表示如果再不解决会继续反映",
                  "{S}说已经找过好几次了"],
    "hedge": ["{S}担心{C}会报复", "{S}怕{C}以后会动手", "担心事情闹大", "{S}害怕{C}找上门来", "{S}担心{C}想不开",
              "怕{C}一时冲动做出傻事", "{S}称心里害怕"],
}
REPEAT = {
    "police": ["此前已因同一问题报警{n}次", "近期多次报警", "之前民警已来过", "上次报警后问题仍未解决", "本月已是第{n1}次报警",
               "此前曾报警"],
    "hotline_12345": ["此前已多次来电反映，问题未解决", "曾来电反映过，至今没有解决", "第{n1}次来电", "之前反映后无人处理"],
    "petition": ["此前已多次来访", "对前期答复不满意", "曾于{prev}反映过该问题", "多次反映未果"],
    "womens_federation": ["此前曾来妇联求助", "之前来过妇联", "曾打过12338"],
}
CROSS = {"police": ["报过警", "找过派出所", "找派出所处理过"], "hotline_12345": ["打过12345", "打过热线"],
         "petition": ["去信访办反映过", "信访过"], "womens_federation": ["找过妇联", "去妇联求助过"]}

OPEN = {
    "police": ["报警人称{body}", "{S}报警称：{body}", "报警人{nm}（{sex}，{age}岁）称{body}", "{time}，{S}报警，称{body}",
               "接报：{body}", "事主称{body}", "报警人来电称{body}，请求出警", "{S}拨打110称{body}", "报警人反映{body}",
               "{time}{S}报称{body}", "110指令：{where}有人报警称{body}", "报警人{nm}称：{body}", "{S}称{body}，要求民警到场"],
    "hotline_12345": ["来电人反映：{body}。", "市民来电称{body}。", "{S}来电，反映{body}。", "诉求人称{body}。", "来电人表示，{body}。",
                      "来电反映：{body}", "市民反映，{body}。", "居民来电：{body}。", "来电称：{body}。", "来电人{nm}反映：{body}。"],
    "petition": ["信访人反映：{body}", "{S}{chan}反映{body}", "信访人{nm}称{body}", "{chan}反映：{body}", "反映{body}",
                 "信访人{chan}称：{body}", "{S}反映，{body}"],
    "womens_federation": ["求助人自述：{body}", "{S}来妇联求助，称{body}", "求助人称{body}", "{S}到镇妇联反映{body}",
                          "情况：{body}", "求助人{nm}哭诉{body}", "{S}{chan}求助，{body}", "{S}反映：{body}"],
}
SUBJ = {"police": ["报警人", "事主", "一{sexw}子", "报警人{nm}"], "hotline_12345": ["市民", "{nm}", "居民", "一名{sexw}子"],
        "petition": ["信访人", "{nm}", "信访人{nm}"], "womens_federation": ["求助人", "{nm}", "当事人", "求助人{nm}"]}

DEMAND = {
    "婚姻家庭": ["希望社区出面调解", "要求相关部门介入", "希望有人帮忙调解家庭矛盾", "咨询离婚相关法律问题", "希望妇联帮忙",
             "希望村委会出面协调"],
    "邻里": ["要求相关部门协调解决", "希望社区出面调解", "希望有人出面协调", "要求对方恢复原状", "希望给个说法"],
    "债务/经济": ["咨询如何追讨欠款", "希望帮忙协调还款", "要求对方还钱", "希望调解"],
    "物业": ["希望主管部门监督物业", "要求物业给出说法", "要求物业整改"],
    "劳资/欠薪": ["要求协调支付工资", "要求劳动监察部门介入", "希望尽快拿到工资", "要求公司支付欠薪", "要求依法补偿"],
    "土地/宅基地": ["要求村委会协调处理", "要求镇里出面解决", "要求依法处理"],
    "继承": ["咨询继承相关法律规定", "希望帮助调解", "要求依法分割遗产"],
    "消费": ["要求商家退款", "要求市场监管部门查处", "要求退费", "要求赔偿损失"],
    "施工扰民": ["要求执法部门查处", "要求相关部门管一管", "希望尽快处理"],
    "其他": ["希望协调解决", "要求相关部门处理"],
}
FED_DEMAND_KIND = {"继承": ["咨询继承方面的法律规定", "希望妇联帮助维护自己的继承权益", "希望帮忙调解", "想了解怎么维护自己权益"],
                   "赡养": ["希望帮忙督促子女尽赡养义务", "希望有人出面调解", "想了解怎么维护自己权益"],
                   "抚养探视": ["咨询抚养费怎么要", "希望妇联帮忙协调孩子抚养的事", "希望获得法律援助"]}
SUB_DEMAND = {"赡养": ["要求督促子女履行赡养义务", "希望村委会出面协调"], "抚养探视": ["希望协调抚养费的事", "要求对方按时支付抚养费"],
              "宅基地界址": ["要求核实宅基地界线", "要求对方拆除占地的院墙"], "补偿分配": ["要求重新核实补偿款", "要求公开补偿分配方案"],
              "翻建房屋": ["要求停止施工", "要求赔偿房屋损失"], "承包地": ["要求返还承包地"],
              "租房押金": ["要求退还押金"], "宠物伤人": ["要求狗主人赔偿医药费", "要求处理不拴绳遛狗"],
              "交通事故": ["要求对方赔偿"], "广场舞": ["要求管管广场舞音响", "要求限制跳舞时间"],
              "供暖": ["要求尽快恢复供暖", "要求供暖达标"], "装修管理": ["要求退还装修押金"], "电梯": ["要求尽快修好电梯"],
              "漏水维修": ["要求物业尽快维修"], "漏水": ["希望协调对方维修", "要求对方赔偿损失"],
              "夜间施工": ["要求停止夜间施工", "要求工地采取降噪措施", "要求核查夜间施工许可"],
              "扬尘": ["要求落实扬尘治理", "要求工地苫盖土方"], "渣土车": ["要求管理渣土车", "要求渣土车夜间不要扰民"],
              "物业费": ["要求核查物业收费", "要求公示物业费账目"], "停车位": ["要求规范停车收费"]}
GENERIC_DEMAND = ["希望协调解决", "要求相关部门处理", "希望有人出面调解", "要求给个说法"]
PET_DEMAND = ["要求依法处理", "要求有关部门督促解决", "请求政府协调", "要求追究相关人员责任", "要求给予答复", "要求尽快解决"]
FED_DEMAND = ["希望妇联帮助调解", "咨询离婚和财产分割", "希望获得法律援助", "希望有人帮忙做做工作", "想了解怎么维护自己权益",
              "需要心理疏导", "希望妇联出面协调"]

DISPO = {
    "calm": ["民警到场后对双方进行劝解，双方情绪稳定，表示自行协商解决。", "经民警现场调解，双方达成谅解。",
             "属民事纠纷，已告知双方可通过人民调解或诉讼途径解决。", "民警到场时双方已散去，已电话回访报警人。",
             "已将纠纷情况推送{town}司法所，由司法所跟进调解。", "现场调解未果，建议双方到村（居）调委会调解。",
             "民警对双方进行法制宣传教育，双方表示不再争吵。", "经劝解，报警人表示不再追究。", "报警人后来电称已无事，不需要出警。",
             "已告知报警人向相关部门反映。", "民警现场了解情况后，联系社区工作人员跟进。", "已登记，移交社区民警后续回访。"],
    "physical": ["双方均称被打，已开具验伤单，转治安案件办理。", "民警到场将双方分开，一方有轻微擦伤，已告知验伤。",
                 "已将双方带回所内做笔录，案件正在进一步调查中。", "已受理为治安案件，待伤情鉴定后处理。"],
    "dv": ["民警对施暴方进行批评教育，并出具家庭暴力告诫书。", "已对施暴人进行训诫，告知受害人可向妇联、法院寻求帮助。",
           "已开具家庭暴力告诫书一份，并将情况通报{town}妇联。", "已对男方进行警告，女方暂住亲戚家。"],
    "dv_injury": ["受害人已送医治疗，施暴人已被带回所内，案件已受理。", "已开具验伤通知书，对施暴人依法传唤。",
                  "已受理为殴打他人案件，受害人到医院验伤。", "已将施暴人带回审查，受害人伤情待鉴定。"],
    "threat": ["民警到场后收缴刀具，将当事人带回所内审查。", "对扬言报复的当事人进行警告训诫，已列为重点关注对象。",
               "已将情况报所领导，纳入重点人员管控，并通报司法所。", "已对当事人口头警告，并联系其家属看管。"],
    "suicide": ["民警到场后将当事人劝下，已联系其家属看护，建议心理疏导。", "经民警和社区工作人员耐心劝导，当事人情绪平复。",
                "已联系120及家属，当事人被家属接回。"],
    "order": ["施暴人违反人身安全保护令，已将情况通报人民法庭依法处理。", "已将违反保护令情况移送法院，并加强巡逻。"],
}
FED_DISPO = ["已转介镇司法所调解", "已告知法律援助申请渠道", "联合派出所、社区上门回访", "已提供心理疏导", "已登记，后续跟进",
             "已联系村（居）妇联主席跟进", "已约双方到妇联调解", "已电话回访"]
FED_DISPO_ORDER = ["已协助向人民法庭申请人身安全保护令", "已协助准备保护令申请材料，转介人民法庭"]
REFERRAL = ["司法所", "派出所", "人民法庭", "社区居委会", "村委会", "法律援助中心", "心理咨询机构", "", "", "司法所、派出所"]

# ------------------------------------------------------------------ categories
POLICE_CAT = {
    "婚姻家庭": ["纠纷-家庭纠纷", "纠纷-家庭纠纷", "纠纷-家庭纠纷", "纠纷-婚姻家庭纠纷", "求助"],
    "邻里": ["纠纷-邻里纠纷"], "债务/经济": ["纠纷-经济纠纷", "纠纷-债务纠纷"], "物业": ["纠纷-物业纠纷", "纠纷-其他纠纷"],
    "劳资/欠薪": ["纠纷-劳资纠纷", "纠纷-经济纠纷", "求助"], "土地/宅基地": ["纠纷-土地纠纷", "纠纷-邻里纠纷"],
    "继承": ["纠纷-家庭纠纷", "纠纷-财产纠纷"], "消费": ["纠纷-消费纠纷", "纠纷-经济纠纷"],
    "施工扰民": ["求助", "纠纷-其他纠纷", "治安-噪音扰民"], "其他": ["纠纷-其他纠纷", "求助", "纠纷-经济纠纷"],
}
HOT_CAT = {
    "婚姻家庭": ["社会管理>矛盾纠纷>家庭纠纷", "社会管理>矛盾纠纷>婚姻家庭"],
    "邻里": ["社会管理>矛盾纠纷>邻里纠纷"], "债务/经济": ["社会管理>矛盾纠纷>经济纠纷", "公共安全>经济纠纷>借贷纠纷"],
    "物业": ["城乡建设>住房管理>物业管理", "城乡建设>住房管理>物业收费", "社会管理>矛盾纠纷"],
    "劳资/欠薪": ["劳动和社会保障>劳动关系>拖欠工资", "劳动和社会保障>劳动保障监察>欠薪"],
    "土地/宅基地": ["农业农村>农村土地>宅基地纠纷", "农业农村>农村土地>土地承包", "规划国土>土地管理>征地补偿"],
    "继承": ["社会管理>矛盾纠纷>家庭纠纷", "司法>法律服务>继承咨询"],
    "消费": ["市场监管>消费维权>消费纠纷", "市场监管>消费者权益>消费纠纷"],
    "施工扰民": ["城乡建设>建筑施工>施工扰民", "环境保护>噪声污染>施工噪声"],
    "其他": ["社会管理>矛盾纠纷>其他纠纷", "社会管理>矛盾纠纷"],
}
HOT_SUB = {"漏水": "城乡建设>住房管理>房屋漏水", "噪音": "环境保护>噪声污染>生活噪声", "私搭乱建": "城市管理>违法建设>私搭乱建",
           "供暖": "城乡建设>供热>供暖质量", "电梯": "城乡建设>住房管理>电梯安全", "工伤": "劳动和社会保障>工伤保险>工伤认定",
           "保健品": "市场监管>消费维权>保健品", "预付卡": "市场监管>消费维权>预付卡", "扬尘": "环境保护>大气污染>施工扬尘", "渣土车": "城市管理>渣土运输>渣土车",
           "租房押金": "城乡建设>房屋租赁>押金", "宠物伤人": "公共安全>动物管理>犬只伤人", "交通事故": "交通管理>交通事故>事故赔偿",
           "广场舞": "环境保护>噪声污染>广场舞噪声", "赡养": "民政>养老服务>赡养纠纷", "停车位": "城乡建设>住房管理>停车管理"}
HOT_TYPE = {"婚姻家庭": ["求助", "求助", "咨询", "投诉"], "继承": ["咨询", "求助"], "债务/经济": ["求助", "咨询", "投诉"]}
PET_CAT = {"婚姻家庭": ["婚姻家庭", "民政-婚姻家庭"], "邻里": ["邻里纠纷", "城乡建设"], "债务/经济": ["经济纠纷", "涉法涉诉"],
           "物业": ["城乡建设-物业管理", "住房保障"], "劳资/欠薪": ["劳动社保-拖欠工资", "劳动和社会保障"],
           "土地/宅基地": ["农村农业-土地问题", "国土资源"], "继承": ["涉法涉诉", "婚姻家庭"], "消费": ["市场监管", "经济纠纷"],
           "施工扰民": ["城乡建设-施工扰民", "环境保护"], "其他": ["其他", "其他"]}
HANDLER_TOWN = {"北七家镇": "北七家镇人民政府", "台湖镇": "台湖镇人民政府", "广安门外街道": "广安门外街道办事处"}
HANDLER_KIND = {"劳资/欠薪": ["{dist}人力资源和社会保障局", "{dist}劳动保障监察大队"], "消费": ["{dist}市场监督管理局"],
                "施工扰民": ["{dist}城市管理综合行政执法局", "{dist}住房和城乡建设委员会"], "物业": ["{dist}住房和城乡建设委员会"]}
PROVINCE = {"13": "河北省", "37": "山东省", "41": "河南省", "34": "安徽省", "23": "黑龙江省", "22": "吉林省", "21": "辽宁省",
            "14": "山西省", "15": "内蒙古自治区", "12": "天津市", "61": "陕西省", "51": "四川省", "50": "重庆市", "42": "湖北省",
            "43": "湖南省", "36": "江西省", "32": "江苏省", "33": "浙江省", "35": "福建省", "44": "广东省", "45": "广西壮族自治区",
            "62": "甘肃省"}


# ------------------------------------------------------------------ main entry
def town_name(p):
    return p.town


def incident_place(w, d, r, rng):
    """(place, addr or None, free text or None) where the reported incident happened."""
    pop = w.pop
    k = d.kind
    if k == "劳资/欠薪":
        o = d.orgs["company"]
        if rng.random() < 0.2:
            return o.place, None, o.name + rng.choice(["门口", "办公室", "工地", ""])
        return o.place, o.addr, None
    if k == "施工扰民":
        o = d.orgs["company"]
        if rng.random() < 0.5:
            return o.place, None, rng.choice([o.name, o.place.base + "工地", o.name + "工地"])
    if k == "消费" and not r.at_home:
        o = d.orgs["company"]
        return o.place, o.addr, None
    if k == "物业" and rng.random() < 0.15:
        return d.place, None, d.place.base + rng.choice(["小区物业办公室", "物业", "小区门口", "地下车库"])
    hid = d.hh_keys[0] if d.hh_keys else None
    if k in ("邻里", "土地/宅基地") and r.side == "b" and len(d.hh_keys) > 1:
        hid = d.hh_keys[1]
    if hid is None:
        return d.place, None, None
    hh = pop.hh(hid)
    return hh.place, hh.addr, None


def home_text(w, p, rng, voice):
    if p.hid:
        hh = w.pop.hh(p.hid)
        return render(hh.place, hh.addr, rng, voice, home=True)
    pr = PROVINCE.get(p.idno[:2])
    r = rng.random()
    if pr and r < 0.4:
        return pr + rng.choice(["", "农村", "老家"]) if rng.random() < 0.3 else pr
    if r < 0.7:
        pl = w.pick_place()
        return pl.town + pl.base + rng.choice(["附近出租房", "宿舍", "工地宿舍", ""]) 
    return ""


def describe(w, d, r, rng, used) -> dict:
    pop = w.pop
    me = pop.get(r.reporter) if r.reporter else None
    date = r.t.date()
    ev = set(r.events)
    src = r.source
    # who is the counterparty / aggressor / victim as seen by the reporter
    if d.kind == "婚姻家庭" and d.subtype not in ("赡养",):
        w_pid, h_pid = d.roles.get("wife"), d.roles.get("husband")
        abuser = d.abuser or h_pid
        victim = w_pid if abuser == h_pid else h_pid
        if d.subtype == "婆媳矛盾" and abuser == d.roles.get("husband_mother"):
            victim = w_pid
        if r.side == "t" or r.role in ("wife_mother", "husband_mother", "child", "neighbour"):
            cp = h_pid if r.role in ("wife_mother",) else (w_pid if r.role == "husband_mother" else abuser)
        else:
            cp = h_pid if r.reporter == w_pid else w_pid
            if d.subtype == "婆媳矛盾" and r.reporter == w_pid and rng.random() < 0.6:
                cp = d.roles["husband_mother"]
    elif d.kind == "婚姻家庭":   # 赡养
        abuser = d.abuser
        victim = d.roles["elder"]
        cp = d.roles["child0"] if r.reporter == victim or r.side == "t" else victim
        if r.role == "child1":
            cp = d.roles["child0"] if rng.random() < 0.5 else victim
    else:
        a, b = d.roles.get("a"), d.roles.get("b")
        if r.side == "b":
            cp = a
        else:
            cp = b
        abuser, victim = cp, (a if r.side == "t" else r.reporter)
    C = ref(w, d, r, rng, r.reporter, cp)
    if r.side == "t" and d.kind == "婚姻家庭" and d.subtype != "赡养":
        Cc = rng.choice(["邻居家两口子", "隔壁两口子", "邻居家夫妻", "楼上住户夫妻", "隔壁{s}家两口子"]) if r.role == "neighbour" \
            else rng.choice(["其父母", "父母", "其父母俩"])
        Cc = fill(Cc, {"s": pop.get(d.roles["husband"]).surname})
    elif r.side == "t" and d.kind in ("邻里", "债务/经济", "土地/宅基地"):
        pa, pb = pop.get(d.roles["a"]), pop.get(d.roles["b"])
        Cc = rng.choice([f"{pa.surname}家和{pb.surname}家", f"{mention(rng, pa, date)}和{mention(rng, pb, date)}", "邻居两家",
                         f"{pa.surname}、{pb.surname}两家"])
    else:
        Cc = C
    A = ref(w, d, r, rng, r.reporter, abuser) if abuser and abuser != r.reporter else C
    V = ref(w, d, r, rng, r.reporter, victim) if victim else "其"
    if V == "自己":
        V = "其"
    if me is not None and victim == r.reporter:
        V = rng.choice(["其", "她" if me.sex == "女" else "他"])
    S = "其"
    # cause
    amt = money(rng, d.facts.get("amount", 3000), "b" if r.side == "b" else ("t" if r.side == "t" else "a"))
    ta = "她" if me is not None and me.sex == "女" else "他"
    ctx = {"ta": ta, "C": Cc, "H": rng.choice(["其家", "自家", "家里", "她家" if me and me.sex == "女" else "他家"]), "amt": amt,
           "yrs": str(d.facts.get("years", 5)), "kids": d.facts.get("kids") or "一个孩子",
           "org": short_org(rng, d.orgs["company"]) if "company" in d.orgs else "", "months": str(d.facts.get("months", 3)),
           "job": rng.choice(JOBS), "nw": str(d.facts.get("n_workers", 1)), "dec": d.facts.get("deceased", "老人"),
           "area": str(d.facts.get("area", 1)), "topic": TOPIC.get(d.subtype, "琐事"),
           "fm": mention(rng, pop.get(d.roles["foreman"]), date) if "foreman" in d.roles else "包工头"}
    cdict = CAUSE.get((d.kind, d.subtype), {})
    side = r.side
    if d.kind == "婚姻家庭" and d.subtype in ("夫妻矛盾", "离婚财产", "婆媳矛盾"):
        side = {"wife": "a", "wife_mother": "a", "husband": "b", "husband_mother": "b"}.get(r.role, "t")
    if d.kind == "劳资/欠薪" and d.facts.get("collective") and side == "a" and "c" in cdict:
        side = "c"
    if side == "t":
        pool = cdict.get("t") or THIRD_CAUSE.get(d.kind) or cdict.get("a")
    else:
        pool = cdict.get(side) or cdict.get("a") or ["双方因琐事发生矛盾"]
    key = (d.subtype, side)
    show_cause = r.n_before == 0 or rng.random() < 0.6 or src in ("petition", "womens_federation")
    if show_cause:
        cause = fill(pick(rng, ("cause",) + key, pool, used), ctx)
    else:
        cause = fill(pick(rng, ("short",), SHORT_TPL, used), {"topic": SHORT.get(d.subtype, "琐事"), "C": C})
    # incident
    weapon = rng.choice(WEAPONS.get(d.kind, WEAPONS["default"]))
    D = S if (me and d.kind in ("劳资/欠薪", "债务/经济", "物业", "消费", "土地/宅基地") and r.side == "a") else (
        A if rng.random() < 0.6 else V)
    ictx = {"A": A, "V": V, "C": C, "S": S, "W": weapon, "D": D,
            "where": rng.choice(["公司门口", "工地上", "老板家门口"] if d.kind == "劳资/欠薪" else
                                ["对方家门口", "这里", "镇政府门口", "家里"])}
    parts = []
    a_p = pop.get(abuser) if abuser else None
    v_p = pop.get(victim) if victim else None

    def shorten():
        """after the first mention, people are referred to more briefly"""
        if a_p is not None and rng.random() < 0.6:
            ictx["A"] = rng.choice(["对方", "他" if a_p.sex == "男" else "她", ictx["A"]])
        if v_p is not None and rng.random() < 0.6 and ictx["V"] not in ("其",):
            ictx["V"] = rng.choice(["她" if v_p.sex == "女" else "他", ictx["V"]])
    for code in ("order_breach", "strangulation", "dv_injury", "dv", "physical"):
        if code in ev:
            if code == "dv" and ({"dv_injury", "strangulation"} & ev) and rng.random() < 0.5:
                parts.append(fill(pick(rng, ("ev", "dv_hist"), ["平时{A}就经常打骂{V}", "{A}以前也动过手", "{A}长期对{V}施暴"], used), ictx))
                continue
            parts.append(fill(pick(rng, ("ev", code), EV[code], used), ictx))
            shorten()
    if "threat_kill" in ev and "weapon" in ev and rng.random() < 0.75:
        parts.append(fill(pick(rng, ("ev", "tw"), EV["threat_weapon"], used), ictx))
    else:
        if "weapon" in ev:
            parts.append(fill(pick(rng, ("ev", "weapon"), EV["weapon"], used), ictx))
        if "threat_kill" in ev:
            parts.append(fill(pick(rng, ("ev", "threat"), EV["threat_kill"], used), ictx))
    if "suicide_threat" in ev:
        parts.append(fill(pick(rng, ("ev", "suicide"), EV["suicide_threat"], used), ictx))
    if "order_application" in ev:
        pool = EV["order_application"] if src == "womens_federation" else \
            ["咨询如何申请人身安全保护令", "{V}想向法院申请人身安全保护令", "询问人身安全保护令怎么申请"]
        parts.append(fill(pick(rng, ("ev", "oa", src), pool, used), ictx))
    if "heated" in ev and not parts or ("heated" in ev and rng.random() < 0.3):
        parts.insert(0, fill(pick(rng, ("ev", "heated"), EV["heated"], used), {**ictx, "C": C}))
    # hedges / negations that do not contradict the events
    if rng.random() < (0.4 if src in ("police", "hotline_12345") else 0.15):
        person_cp = d.kind not in ("物业", "消费", "施工扰民", "劳资/欠薪")
        opts = ["hedge"] if person_cp else ["hedge_org"]
        live = src in ("police", "hotline_12345") and "none" not in ev
        if live and not ev & {"physical", "dv", "dv_injury", "strangulation", "order_breach"}:
            opts += ["touch", "touch"]
        if live and not ev & {"physical", "dv_injury", "strangulation"}:
            opts.append("injury")
        if live and person_cp and "threat_kill" not in ev:
            opts.append("threat")
        if live and person_cp and "weapon" not in ev:
            opts.append("weapon")
        g = rng.choice(opts)
        parts.append(fill(pick(rng, ("neg", g), NEG[g], used), {"S": S, "C": C}))
    # repeat / cross-agency history
    hist = ""
    if r.n_before_same and rng.random() < 0.6:
        prev = [q for q in d.recs[: r.n_before] if q.source == src] if d.recs else []
        prevt = prev[-1].t if prev else r.t - dt.timedelta(days=30)
        hist = fill(pick(rng, ("rep", src), REPEAT[src], used),
                    {"n": str(r.n_before_same), "n1": str(r.n_before_same + 1), "prev": f"{prevt.month}月{prevt.day}日"})
    elif r.n_before > r.n_before_same and rng.random() < 0.35:
        others = {q.source for q in d.recs[: r.n_before]} - {src}
        if others:
            o = sorted(others)[0]
            hist = rng.choice(["此前", "之前", "已", "曾"]) + rng.choice(CROSS[o])
    body_parts = [x for x in [cause] + parts + [hist] if x]
    if not body_parts:
        body_parts = ["双方因琐事发生矛盾"]
    if len(body_parts) > 2 and cause and show_cause and rng.random() < 0.25:   # incident first, cause after
        body_parts = body_parts[1:] + ["起因是" + cause]
    body = "，".join(body_parts).replace("其的", "其").replace("的的", "的")
    pron = "她" if (v_p is not None and v_p.sex == "女") else "他"
    body = _END_QI.sub(lambda m: m.group(1) + pron, body)
    # opening & demand
    nm = ""
    if me is not None:
        nm = mention(rng, me, date)
    sexw = "女" if me is not None and me.sex == "女" else "男"
    chan = {"来访": "来访", "来信": "来信", "网上信访": "网上信访", "电话": "来电"}.get(r.channel, "来访")
    if src == "womens_federation":
        chan = "通过12338热线" if r.channel == "12338热线" else "来访"
    sj = list(SUBJ[src])
    if src == "petition" and r.channel == "来访":
        sj.append("来访人{nm}")
    if src == "womens_federation" and sexw == "女":
        sj.append("妇女{nm}")
    subj = fill(rng.choice(sj), {"nm": nm or "", "sexw": sexw})
    if me is None and "{nm}" in subj:
        subj = SUBJ[src][0]
    octx = {"body": body, "S": subj, "nm": nm or "", "sex": me.sex if me else "", "age": str(me.age_at(date)) if me else "",
            "time": rng.choice(["今晚", "今日", f"{r.t.month}月{r.t.day}日{r.t.hour}时许", "刚才", f"当日{r.t.hour}时许"]),
            "where": rng.choice(["", d.place.base + ("村" if d.place.is_village else ""), short_town(d.place.town)]),
            "chan": chan}
    opens = OPEN[src]
    if src == "petition" and r.headcount >= 5 and rng.random() < 0.8:
        opens = ["{S}等{hc}人{chan}，反映{body}", "{S}等{hc}人集体{chan}反映：{body}", "{hc}名{grp}集体{chan}反映{body}",
                 "{grp}{hc}人集体上访，反映{body}"]
        octx.update(hc=str(r.headcount), grp={"劳资/欠薪": "工人", "土地/宅基地": "村民", "物业": "业主"}.get(d.kind, "群众"))
    elif src == "petition" and r.headcount >= 2 and rng.random() < 0.6:
        opens = ["{S}等{hc}人{chan}，反映{body}", "{S}与家人共{hc}人{chan}反映{body}"]
        octx.update(hc=str(r.headcount), grp={"劳资/欠薪": "工人", "土地/宅基地": "村民", "物业": "业主"}.get(d.kind, "群众"))
    if src == "womens_federation" and r.channel == "12338热线":
        opens = opens + ["12338来电：{body}", "来电（12338）：{body}"]
    tpl = pick(rng, ("open", src), opens, used)
    if me is None or (("{nm}" in tpl) and not nm):
        tpl = tpl.replace("{nm}", "").replace("（{sex}，{age}岁）", "")
    text = fill(tpl, octx)
    out = {}
    pl, ad, free = incident_place(w, d, r, rng)
    town = d.place.town if d.place.in_area else d.place.town
    if src == "police":
        if not text.endswith(("出警", "到场")) and rng.random() < 0.3:
            text += rng.choice(["，请求民警到场处理", "，要求出警", "，请民警处理", ""])
        text += "。" if rng.random() < 0.85 else ""
        if "order_breach" in ev:
            dk = "order"
        elif ev & {"threat_kill", "weapon"}:
            dk = "threat"
        elif "suicide_threat" in ev:
            dk = "suicide"
        elif ev & {"dv_injury", "strangulation"}:
            dk = "dv_injury"
        elif "dv" in ev:
            dk = "dv"
        elif "physical" in ev:
            dk = "physical"
        else:
            dk = "calm"
        out["disposition"] = fill(pick(rng, ("dispo", dk), DISPO[dk], used), {"town": short_town(town)})
        cat = rng.choice(POLICE_CAT[d.kind])
        if ev & {"dv_injury", "physical", "strangulation"} and rng.random() < 0.4:
            cat = "治安-殴打他人"
        elif ev & {"threat_kill"} and rng.random() < 0.25:
            cat = "治安-威胁人身安全"
        elif "suicide_threat" in ev and rng.random() < 0.4:
            cat = "求助-轻生"
        out["category"] = cat
    elif src == "hotline_12345":
        dem = pick(rng, ("dem", src), DEMAND[d.kind] + SUB_DEMAND.get(d.subtype, []) if r.side != "b" else GENERIC_DEMAND, used)
        if ev & DV_WORDS and d.kind == "婚姻家庭" and rng.random() < 0.5:
            dem = rng.choice(["要求相关部门介入", "希望得到帮助"])
        text = text.rstrip("。，") + "。" + rng.choice([f"来电人诉求：{dem}。", f"诉求：{dem}。", f"{dem}。", f"来电人{dem}。"])
        if rng.random() < 0.08:
            text += "（来电人要求对其个人信息保密）"
        cat = HOT_SUB.get(d.subtype) if rng.random() < 0.5 and d.subtype in HOT_SUB else rng.choice(HOT_CAT[d.kind])
        if d.kind == "婚姻家庭" and ev & DV_WORDS and rng.random() < 0.5:
            cat = "妇女儿童>妇女权益保障>家庭暴力"
        out["category"] = cat
        out["req_type"] = rng.choice(HOT_TYPE.get(d.kind, ["投诉", "投诉", "投诉", "求助", "举报"]))
        hk = HANDLER_KIND.get(d.kind)
        ipl = pl
        dist = ipl.district_name
        out["handler"] = fill(rng.choice(hk), {"dist": dist}) if hk and rng.random() < 0.4 else \
            HANDLER_TOWN.get(ipl.town, ipl.town + ("人民政府" if ipl.town.endswith("镇") else "办事处"))
        hours = {"特急": 2, "紧急": 24, "一般": 24 * 7}[r.urgency]
        out["deadline"] = r.t + dt.timedelta(hours=hours)
    elif src == "petition":
        dem = pick(rng, ("pdem",), PET_DEMAND + (DEMAND[d.kind] + SUB_DEMAND.get(d.subtype, []) if r.side != "b" else GENERIC_DEMAND), used)
        text = text.rstrip("。，") + rng.choice([f"，{dem}。", f"。诉求：{dem}。", f"。{dem}。"])
        out["category"] = rng.choice(PET_CAT[d.kind])
    else:
        dem = pick(rng, ("fdem",), FED_DEMAND_KIND.get(d.subtype, FED_DEMAND_KIND.get(d.kind, FED_DEMAND)), used)
        text = text.rstrip("。，") + rng.choice([f"，{dem}。", f"。诉求：{dem}。", "。", f"。{dem}。"])
        if d.subtype == "抚养探视":
            cat = "子女抚养"
        elif d.kind == "继承":
            cat = "财产继承"
        elif ev & DV_WORDS:
            cat = rng.choice(["家庭暴力", "家庭暴力", "婚姻家庭"])
        elif d.subtype == "离婚财产" and rng.random() < 0.3:
            cat = "财产继承"
        else:
            cat = rng.choice(["婚姻家庭", "婚姻家庭", "其他"])
        out["category"] = cat
        if "order_application" in ev:
            out["disposition"] = rng.choice(FED_DISPO_ORDER)
            out["referral"] = rng.choice(["人民法庭", "人民法庭、司法所"])
        else:
            out["disposition"] = pick(rng, ("fdispo",), FED_DISPO, used)
            out["referral"] = rng.choice(REFERRAL)
    out["description"] = text
    # addresses
    voice = {"police": "police", "hotline_12345": "hotline", "petition": "petition", "womens_federation": "federation"}[src]
    out["incident_addr"] = free if free else render(pl, ad, rng, voice)
    out["home_addr"] = home_text(w, me, rng, voice) if me is not None else ""
    return out


_END_QI = re.compile(r"(打骂|殴打|施暴|吓唬|骚扰|纠缠|动手打|打|推倒|辱骂)其(?=[，。；]|$)")
DV_WORDS = {"dv", "dv_injury", "strangulation", "order_breach", "order_application"}


def short_town(t):
    return {"北七家镇": "北七家镇", "台湖镇": "台湖镇", "广安门外街道": "广外街道"}.get(t, t)
