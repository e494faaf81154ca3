"""Wording: each agency's voice, many ways to tell the same kind of dispute and the
same events, negated/hedged mentions of what did not happen."""
from __future__ import annotations

CN_DIGIT = "零壹贰叁肆伍陆柒捌玖"
CN_SMALL = "零一二三四五六七八九"


# --------------------------------------------------------------------------------------
class Ctx:
    """text context for one record"""
    __slots__ = ("rng", "d", "rec", "rep_role", "persp", "used", "voice", "cache")

    def __init__(self, rng, d, rec, voice):
        self.rng, self.d, self.rec, self.voice = rng, d, rec, voice
        self.rep_role = rec.rep_role
        self.used = d.used
        # 12345 and federation notes are sometimes written in the caller's own words
        self.persp = "1" if voice in ("hotline", "fed") and rng.random() < 0.3 else "3"
        self.cache = {}

    def pick(self, key, options):
        """choose a variant not yet used by this dispute when possible"""
        rng = self.rng
        n = len(options)
        start = rng.randrange(n)
        for k in range(n):
            i = (start + k) % n
            tag = (key, i)
            if tag not in self.used:
                self.used.add(tag)
                return options[i]
        return options[start]

    def self_ref(self):
        if self.persp == "1":
            return "我"
        fem = getattr(self.rec.rep, "sex", "M") == "F"
        return self.rng.choice({"police": ["其", "其", "其"], "hotline": ["其", "来电人", "其"],
                                "petition": ["其", "信访人", "其"],
                                "fed": ["其", "她", "求助人"] if fem else ["其", "求助人", "其"]}[self.voice])

    def ref(self, role):
        """how the reporter refers to the person/org of role (mostly the same words within one record)"""
        if role == self.rep_role:
            return self.self_ref()
        w = self.cache.get(role)
        if w is not None and self.rng.random() < 0.75:
            return w
        w = self._ref(role)
        self.cache[role] = w
        return w

    def _ref(self, role):
        d = self.d
        words = d.rel.get((self.rep_role, role)) or d.rel.get(("*", role)) or ["对方"]
        w = self.rng.choice(words)
        if w.startswith("@"):
            w = w[1:]
            r = self.rng.random()
            if self.persp == "1":
                w = ("我" if r < 0.75 else "") + w
            else:
                w = ("其" if r < 0.6 else "") + w
        if "{n}" in w or "{s}" in w or "{o}" in w:
            ent = d.roles.get(role)
            nm = getattr(ent, "name", "")
            w = w.replace("{n}", self.name_of(role)).replace("{s}", nm[:1] if nm else "").replace("{o}", self.org_of(role))
        return w

    def name_of(self, role):
        ent = self.d.roles.get(role)
        if ent is None:
            return "对方"
        nm = ent.name
        if hasattr(ent, "oid"):
            return self.org_of(role)
        r = self.rng.random()
        if r < 0.45:
            return nm
        if r < 0.75:
            return nm[0] + "某"
        if r < 0.85:
            return nm[0] + "某某"
        return nm

    def org_of(self, role):
        ent = self.d.roles.get(role)
        if ent is None or not hasattr(ent, "oid"):
            return "对方单位"
        return self.rng.choice(ent.aliases)


# --------------------------------------------------------------------------------------
def money(rng, amount, loose=True):
    """write a sum of money one of several ways"""
    a = int(amount)
    r = rng.random()
    if a >= 10000 and r < 0.4:
        w = a / 10000
        s = f"{w:.1f}".rstrip("0").rstrip(".")
        return (("约" if loose and rng.random() < 0.3 else "") + s + rng.choice(["万元", "万", "万块钱", "万元"]))
    if r < 0.7:
        return f"{a}元" if rng.random() < 0.8 else f"{a:,}元"
    if r < 0.85 and a >= 10000 and a % 10000 == 0:
        return "".join(CN_DIGIT[int(c)] for c in str(a // 10000)) + "万元" if a < 100000 else f"{a // 10000}万"
    if a >= 1000 and a % 1000 == 0:
        return f"{a // 1000}千元" if a < 10000 else f"{a}块"
    return f"{a}块钱"


def months_word(rng, m):
    if rng.random() < 0.5:
        return f"{m}个月"
    return (CN_SMALL[m] if m < 10 else ("十" + (CN_SMALL[m - 10] if m > 10 else ""))) + "个月"


# --------------------------------------------------------------------------------------
# events
INJURY = ["面部淤青", "眼眶青紫", "鼻子出血", "嘴角出血", "手臂多处淤青", "头部缝了几针", "肋骨骨折",
          "头皮血肿", "耳朵听不清", "胳膊软组织挫伤", "腿部淤青", "手指骨折", "脸上被抓伤", "额头磕破"]
MINOR = ["手臂擦伤", "膝盖擦破皮", "脸上被抓了一道", "手背划伤", "腰部扭伤", "眼镜被打掉", "衣服被撕破"]
WEAPON_HOME = ["菜刀", "水果刀", "擀面杖", "剪刀", "木棍", "啤酒瓶", "板凳", "铁锤", "改锥"]
WEAPON_OUT = ["铁锹", "木棍", "砖头", "镐把", "钢管", "扳手", "水果刀", "锄头", "铁棍"]
SUICIDE_MEANS = ["跳楼", "喝农药", "吃安眠药", "割腕", "上吊", "跳河", "开煤气", "从楼上跳下去"]


def ev_heated(c, A, V):
    o = ["双方发生口角", f"{A}与{V}发生争吵", f"{A}辱骂{V}", "双方互相谩骂", f"{A}对{V}恶语相向",
         "双方吵得很凶", f"{A}在门口骂了半天", "两人言语冲突激烈", f"{A}骂{V}骂得很难听",
         "双方争执不下、互相指责", f"{A}堵着门大声吵闹"]
    return c.pick("heated", o)


def ev_physical(c, A, V):
    m = c.rng.choice(MINOR)
    o = ["双方发生推搡", f"{A}推了{V}一把", "两人扭打在一起", f"{A}动手打了{V}一拳", f"双方发生肢体冲突，{V}{m}",
         f"{A}将{V}推倒在地，{V}{m}", f"双方撕扯中{V}{m}", f"{A}扇了{V}一个耳光", f"{A}和{V}互殴", f"{A}上前揪住{V}衣领"]
    return c.pick("physical", o)


def ev_dv(c, A, V):
    o = [f"{A}动手打了{V}", f"{A}扇{V}耳光", f"{A}对{V}拳打脚踢", f"{A}推搡{V}并踢了几脚", f"{A}长期打骂{V}",
         f"{A}经常对{V}动手", f"{A}控制{V}的手机和工资卡，不让{V}出门", f"{A}跟踪{V}到单位并堵在门口",
         f"{A}把{V}推倒在床上打了几下", f"{A}揪着{V}的头发往墙上撞", f"{A}多次殴打{V}", f"{A}把{V}锁在屋里不让出去",
         f"{A}一喝酒就打{V}", f"{A}天天跟踪{V}、查{V}手机"]
    return c.pick("dv", o)


def ev_dv_injury(c, A, V):
    inj = c.rng.choice(INJURY)
    o = [f"{A}殴打{V}致{V}{inj}", f"{V}被{A}打得{inj}", f"{A}对{V}拳打脚踢，造成{V}{inj}", f"{A}动手打人，{V}{inj}",
         f"{V}遭{A}殴打，{inj}，已到医院就诊", f"{A}把{V}打伤了，{inj}", f"{A}用拳头打{V}头部，致{inj}",
         f"{V}被{A}踹倒在地，{inj}", f"{A}酒后打人，{V}{inj}，有验伤单"]
    return c.pick("dv_injury", o)


def ev_strangle(c, A, V):
    o = [f"{A}掐住{V}的脖子", f"{A}用手卡住{V}脖子不让{V}喘气", f"{A}勒{V}的脖子", f"{A}掐{V}脖子，{V}差点喘不上气",
         f"{A}把{V}按在地上掐脖子", f"{A}用毛巾勒{V}脖子"]
    return c.pick("strangle", o)


def ev_threat(c, A, V, weapon=None):
    if weapon:
        o = [f"{A}手持{weapon}扬言要砍死{V}", f"{A}拿着{weapon}说要和{V}同归于尽", f"{A}拎着{weapon}威胁要弄死{V}",
             f"{A}称要拿{weapon}把{V}全家都杀了", f"{A}举着{weapon}喊“今天非弄死你不可”", f"{A}拿{weapon}指着{V}说要杀了{V}"]
        return c.pick("threatw", o)
    o = [f"{A}扬言要杀了{V}", f"{A}称要和{V}同归于尽", f"{A}威胁要弄死{V}", f"{A}放话要让{V}全家不得好死",
         f"{A}说要找人把{V}废了", f"{A}扬言“大不了一起死”", f"{A}威胁{V}：再闹就要{V}的命", f"{A}称要杀{V}全家",
         f"{A}多次发短信威胁要弄死{V}", f"{A}扬言出来后要报复{V}，弄死{V}"]
    return c.pick("threat", o)


def ev_weapon(c, A, V, weapon):
    o = [f"{A}拿起{weapon}比划", f"{A}手持{weapon}追赶{V}", f"{A}抄起{weapon}朝{V}挥了过去", f"{A}拎着{weapon}堵在门口",
         f"{A}持{weapon}砸门", f"{A}拿{weapon}在{V}面前晃"]
    return c.pick("weapon", o)


def ev_suicide(c, S, self_is_rep):
    m = c.rng.choice(SUICIDE_MEANS)
    if self_is_rep:
        o = [f"{S}称如果再不解决就去{m}", f"{S}情绪激动，扬言要{m}", f"{S}表示活不下去了，要{m}",
             f"{S}说问题不解决就死在这儿", f"{S}称已经写好遗书，准备{m}", f"{S}多次说不想活了、要{m}"]
    else:
        o = [f"{S}扬言要{m}", f"{S}以{m}相威胁", f"{S}称要{m}", f"{S}站在阳台上说要{m}", f"{S}说不答应就{m}",
             f"{S}闹着要{m}"]
    return c.pick("suicide", o)


def ev_breach(c, A, V):
    o = [f"法院已对{A}发出人身安全保护令，{A}仍到{V}住处骚扰", f"{A}违反人身安全保护令，再次上门纠缠{V}",
         f"保护令期间{A}又找到{V}", f"{A}无视保护令，到{V}单位闹事", f"人民法庭此前已裁定禁止{A}接触{V}，{A}仍跑来找{V}",
         f"{A}在保护令有效期内继续给{V}打电话威胁、上门"]
    return c.pick("breach", o)


def ev_order_app(c, V):
    o = [f"{V}已向人民法庭申请人身安全保护令", f"协助{V}向法院提交人身安全保护令申请", f"{V}在妇联协助下申请了人身安全保护令",
         f"{V}已到法庭申请保护令", f"{V}申请人身安全保护令，材料已递交法院", f"已指导{V}申请人身安全保护令并递交申请"]
    return c.pick("orderapp", o)


NEG = {
    "violence": ["双方未发生肢体冲突", "没有动手", "对方没打人", "未发生打斗", "目前没有肢体接触", "双方均未动手",
                 "未发现打人情况"],
    "injury": ["无人受伤", "未见明显外伤", "双方均无伤", "现场无人员受伤", "未造成人身伤害"],
    "weapon": ["未持械", "现场未发现凶器", "双方均未持械", "未发现持械情况"],
    "threat": ["担心对方会报复", "怕事情闹大", "担心他以后会报复", "对方暂无过激言行", "未发现极端言论",
               "对方没有说过威胁的话", "害怕对方哪天会动手"],
    "suicide": ["情绪尚稳定，无轻生念头", "未流露轻生想法", "无自伤倾向"],
    "dv": ["否认存在家暴", "双方均称没有家暴", "未发现家暴情况"],
}


def negations(c, events, domestic):
    """hedged or negated mentions of what did not happen"""
    rng = c.rng
    out = []
    scale = {"police": 1.0, "hotline": 0.6, "fed": 0.8, "petition": 0.3}[c.voice]
    if c.d.kind in ("物业", "消费", "施工扰民", "继承") and not events:
        scale *= 0.4
    if rng.random() > scale:
        return out
    violent = events & {"physical", "dv", "dv_injury", "strangulation"}
    if not violent and rng.random() < 0.35:
        out.append(c.pick("neg_v", NEG["violence"]))
    if not (events & {"dv_injury", "strangulation", "physical"}) and rng.random() < 0.2:
        out.append(c.pick("neg_i", NEG["injury"]))
    if "weapon" not in events and rng.random() < 0.08:
        out.append(c.pick("neg_w", NEG["weapon"]))
    if "threat_kill" not in events and rng.random() < 0.15:
        out.append(c.pick("neg_t", NEG["threat"]))
    if "suicide_threat" not in events and (domestic or c.voice == "petition") and rng.random() < 0.05:
        out.append(c.pick("neg_s", NEG["suicide"]))
    if domestic and not (events & {"dv", "dv_injury", "strangulation", "order_breach"}) and rng.random() < 0.08:
        out.append(c.pick("neg_d", NEG["dv"]))
    return out


def event_clauses(c, events, actor_role, victim_role, suicide_role=None):
    """clauses telling every event of the set (in the reporter's words)"""
    if not events:
        return []
    A = c.ref(actor_role)
    V = c.ref(victim_role)
    if V == A:
        V = "对方"
    out = []
    rng = c.rng
    dom = c.d.domestic
    weapon = None
    if "weapon" in events:
        outdoor = c.d.unit.is_village or c.d.kind in ("劳资/欠薪", "土地/宅基地", "施工扰民")
        weapon = rng.choice(WEAPON_HOME if (dom or not outdoor) else WEAPON_OUT)
    if "heated" in events:
        out.append(ev_heated(c, A, V))
    if "order_breach" in events:
        out.append(ev_breach(c, A, V))
    if "dv_injury" in events:
        out.append(ev_dv_injury(c, A, V))
        if "dv" in events and rng.random() < 0.5:
            out.append(c.pick("dvhist", [f"此前{A}已多次动手", f"{A}长期对{V}实施家暴", "以前也经常挨打", f"这不是{A}第一次打人"]))
    elif "dv" in events:
        out.append(ev_dv(c, A, V))
    if "physical" in events:
        out.append(ev_physical(c, A, V))
    if "strangulation" in events:
        out.append(ev_strangle(c, A, V))
    if "threat_kill" in events:
        out.append(ev_threat(c, A, V, weapon))
    elif weapon:
        out.append(ev_weapon(c, A, V, weapon))
    if "suicide_threat" in events:
        sr = suicide_role or actor_role
        out.append(ev_suicide(c, c.ref(sr), sr == c.rep_role))
    if "order_application" in events:
        out.append(ev_order_app(c, V))
    return out


# --------------------------------------------------------------------------------------
# causes: one line on what the dispute is about, per subtype, in many wordings
TOPIC = {
    "couple": ["家庭琐事", "感情问题", "离婚", "家里的事", "夫妻矛盾", "钱"], "divorce_property": ["离婚财产分割", "房子", "离婚后的房产"],
    "custody": ["孩子抚养", "孩子探视", "抚养费"], "elder": ["赡养", "老人养老", "老人的房子"], "inlaw_debt": ["借款", "欠款", "钱"],
    "nb_leak": ["漏水", "渗水"], "nb_noise": ["噪音", "声音大"], "nb_parking": ["停车", "车位"], "nb_drain": ["排水", "下水"],
    "nb_aircon": ["空调外机"], "nb_clutter": ["楼道堆物", "堆放杂物"], "nb_dog": ["养狗", "遛狗"], "nb_tree": ["树木", "砍树"],
    "nb_renovation": ["装修"], "nb_passage": ["通道", "走道"], "nb_smoke": ["烟味", "油烟"], "nb_wall": ["院墙", "滴水"],
    "debt_loan": ["借款", "欠款", "还钱"], "debt_partner": ["合伙生意", "投资款"], "debt_rent": ["房租", "押金"], "debt_goods": ["货款"],
    "debt_car": ["剐蹭赔偿", "修车钱"], "pm_fee": ["物业费"], "pm_repair": ["维修", "漏水维修"], "pm_elevator": ["电梯"],
    "pm_parking": ["停车费", "车位"], "pm_heating": ["供暖", "暖气"], "pm_delivery": ["收房", "房屋质量"],
    "wage_wage": ["工资", "工钱"], "wage_injury": ["工伤赔偿", "医药费"], "wage_dismiss": ["辞退补偿", "离职工资"], "wage_group": ["工资", "工钱"],
    "land_boundary": ["宅基地", "地界"], "land_rebuild": ["盖房", "翻建房屋"], "land_contract": ["土地承包", "承包地"], "land_comp": ["补偿款", "拆迁补偿"],
    "inh_house": ["老宅继承", "房产继承"], "inh_money": ["遗产", "拆迁款"], "con_prepaid": ["退款", "退卡"], "con_decor": ["装修质量", "装修款"],
    "con_goods": ["退货", "商品质量"], "con_car": ["车况", "修车费"], "cs_night": ["施工噪音"], "cs_dust": ["扬尘"], "cs_truck": ["渣土车"],
    "ot_traffic": ["剐蹭", "撞车"], "ot_dogbite": ["狗咬人"], "ot_online": ["网上发帖"], "ot_cowork": ["工作", "排班"], "ot_mental": ["看护"],
}
B_SIDE = {"B", "B_sp", "B_staff", "B_mother", "B_father"}


def cause(c):
    d = c.d
    rng = c.rng
    if c.rep_role in B_SIDE:
        # the other side tells it its own way
        A = c.ref("A")
        tp = rng.choice(TOPIC.get(d.sub, ["琐事"]))
        o = [f"与{A}因{tp}问题发生纠纷", f"{A}因{tp}的事找上门来", f"因{tp}与{A}有矛盾", f"{A}因{tp}一事纠缠不休",
             f"{A}因为{tp}上门交涉", f"{A}为{tp}的事多次上门", f"{A}因{tp}问题多次找上门"]
        if d.sub in ("couple", "divorce_property", "custody"):
            o = [f"与{A}因{tp}闹矛盾", f"与{A}因{tp}问题协商不成", f"{A}带着孩子回了娘家" if d.roles["A"].sex == "F" else f"{A}带着孩子走了",
                 f"认为{A}家里人插手夫妻之间的事", f"{A}要离婚，其不同意" if d.sub == "couple" else f"与{A}因{tp}问题一直谈不拢"]
        elif d.sub == "elder":
            o = [f"与{A}因{tp}问题有矛盾", f"认为其他兄弟姐妹也应承担{tp}", f"{A}要求其承担全部赡养费", f"因{tp}的事与{A}意见不一"]
        elif d.sub == "inlaw_debt":
            o = [f"{A}因{tp}的事多次找其", f"与{A}因{tp}问题有矛盾", "称欠的钱已经还了一部分", f"{A}催其还钱"]
        if d.kind == "劳资/欠薪":
            o += [f"{A}因{tp}问题到公司闹事", f"{A}等人因{tp}堵在公司门口"]
        if d.kind in ("物业", "消费"):
            o += [f"{A}因{tp}问题到{'物业' if d.kind == '物业' else '店里'}反映"]
        return c.pick("cause_bside", o)
    return cause_a(c)


# what a dispute is about, per subtype: groups of wordings of one subject; a dispute keeps its subject
CAUSES = {
    "couple:drink": [["{B}长期酗酒", "{B}酒瘾很大、经常喝醉", "{B}喝酒后不管家里的事", "{B}爱喝酒、经常喝到半夜"]],
    "couple:gamble": [["{B}沉迷赌博、欠下外债", "{B}打牌输了不少钱", "因{B}赌博问题夫妻矛盾很大", "{B}网上赌博把家里积蓄输光"]],
    "couple:affair": [["怀疑{B}在外面有人", "{B}有婚外情", "因感情问题夫妻关系紧张", "{B}与其他异性来往密切"]],
    "couple:money": [["因家庭开支问题夫妻闹矛盾", "{B}花钱大手大脚，家里开支没计划", "夫妻因钱的事闹翻", "因为还房贷的钱两人意见不合"]],
    "couple:chores": [["因家庭琐事", "因做饭、带孩子等家务琐事", "夫妻因生活琐事长期不和", "因为一点小事"]],
    "couple:kids": [["因孩子上学、教育问题意见不合", "因孩子的事和{B}闹矛盾", "夫妻因管孩子的方式产生矛盾"]],
    "couple:divorce": [["{A}提出离婚，{B}不同意", "夫妻正在闹离婚", "{A}要离婚，{B}不肯", "双方感情破裂，正在协议离婚"]],
    "couple:inlaws": [["婆媳关系不好，夫妻关系也受影响", "因{B}父母的事夫妻闹矛盾", "因老人住家里的事两口子闹别扭"]],
    "couple:separated": [["{A}与{B}已分居，{B}多次要求复合", "两人分居后{B}不同意离婚", "分居期间{B}常打电话要求复合"]],
    "couple:bride": [["因彩礼退还问题两家闹矛盾", "结婚不久因彩礼、嫁妆的事起纠纷"]],
    "divorce_property": [["离婚时房子没分清楚，{B}一直占着不走", "与{B}离婚后对方拒不搬出房屋", "离婚后{B}赖在房子里不搬"],
                         ["离婚协议约定的{amt}补偿款{B}一直没给", "{B}不履行离婚协议，{amt}折价款至今未付", "离婚时说好的{amt}，{B}一分没给"],
                         ["离婚后双方为共同还贷的房子闹纠纷", "{B}离婚后不再还房贷，房子面临被拍卖", "因离婚财产分割问题与{B}有矛盾"]],
    "custody": [["离婚后{B}不让{A}探视{kid}", "{B}一直不让{A}见{kid}", "每次去看{kid}，{B}都找理由推脱"],
                ["{B}拖欠{kid}抚养费{amt}", "{B}每月应付的抚养费已经半年没给了", "双方因{kid}的抚养费谈不拢"],
                ["{B}把{kid}接走后不送回来", "{B}私自把{kid}带回老家", "因{kid}抚养权问题与{B}起纠纷"]],
    "elder": [["{B}不给{A}生活费", "{B}每月说好给的赡养费{amt}一直没给", "{B}不履行赡养义务，老人生活没着落"],
              ["{B}两口子把老人赶出来住", "{B}占了老人的房子却不管老人", "因老人养老和房子的事家里闹矛盾"],
              ["{A}年事已高，子女对赡养问题互相推诿", "老人生病住院，{B}不管不问", "{B}不愿意照顾生病的老人"]],
    "inlaw_debt": [["{B}借{A}{amt}一直没还", "{A}与{B}因债务问题时常发生家庭纠纷", "因女婿借钱不还丈母娘和女婿闹矛盾",
                    "{B}以做生意为名向{A}借款{amt}后拒不归还", "因{amt}欠款问题，{A}与{B}矛盾很深", "{A}多次找{B}要钱无果"]],
    "nb_leak": [["{B}家漏水把{A}家天花板泡了", "{B}卫生间渗水导致{A}家墙面发霉", "{B}家水管漏水，{A}家屋顶滴水",
                 "因漏水问题与{B}协商无果", "{B}家防水没做好，{A}家厨房顶上一直渗水"]],
    "nb_noise": [["{B}家半夜打麻将太吵", "{B}家天天晚上打麻将到后半夜", "{B}家麻将声吵得睡不着"],
                 ["{B}家孩子天天在屋里跳、拍球", "{B}家小孩在屋里跑跳，咚咚响", "{B}家孩子晚上在家拍球"],
                 ["{B}每天晚上拖椅子、剁馅，噪音扰民", "{B}晚上十二点还在屋里敲敲打打", "{B}家半夜总有敲打声"],
                 ["{B}家狗整夜叫，影响休息", "{B}家的狗一叫就是一宿", "{B}家养的狗天天叫"],
                 ["{B}家深夜放音乐、声音很大", "{B}家天天唱卡拉OK到很晚", "{B}家电视声音开得特别大"]],
    "nb_parking": [["{B}长期占用{A}家门口停车", "{B}的车堵住{A}家门口出不去", "{B}的三轮车总停在{A}家门口"],
                   ["{B}在楼下私装地锁占车位", "{B}私自装地锁", "因停车位问题与{B}发生纠纷"]],
    "nb_drain": [["{B}家排水管改道，污水流到{A}家门口", "因两家排水问题发生纠纷", "{B}把排水沟堵了"],
                 ["{B}垫高院子，下雨时水都排到{A}家", "{B}家地面垫高后{A}家院子积水", "{B}家院子垫高，雨水往{A}家倒灌"]],
    "nb_aircon": [["{B}家空调外机正对着{A}家窗户", "{B}安装空调外机对着{A}家卧室", "因空调外机安装位置与{B}闹矛盾",
                   "{B}家空调外机噪音大还往{A}家滴水"]],
    "nb_clutter": [["{B}在楼道里堆放杂物", "{B}在公共走廊堆满纸箱和旧家具", "{B}常年在楼道放鞋柜、电动车", "{B}在门口堆放废品，味道很大"]],
    "nb_dog": [["{B}家养的狗不拴绳", "{B}遛狗不拴绳", "{B}家狗冲{A}家人乱叫还扑人", "{B}家的狗吓到了{A}家孩子"],
               ["{B}遛狗不清理粪便", "{B}家狗在楼道随地大小便", "{B}家的狗天天在{A}家门口拉屎"]],
    "nb_tree": [["{B}家的树挡了{A}家采光", "{B}院里的大树枝伸到{A}家房顶", "因为砍树的事与{B}起纠纷"]],
    "nb_renovation": [["{B}家装修砸墙，{A}家墙面开裂", "{B}装修把{A}家墙震裂了"],
                      ["{B}装修时间太早太晚，天天电钻声", "{B}家装修从早上七点就开始打钻"],
                      ["{B}装修拆了承重墙", "{B}装修私自改动承重墙"]],
    "nb_passage": [["{B}把公共通道占了", "{B}在胡同里私搭乱建堵了通道", "{B}把楼道门锁上不让别人走"]],
    "nb_smoke": [["{B}在楼道抽烟，烟味飘进{A}家", "{B}天天在楼道里抽烟"],
                 ["{B}家油烟机排风口对着{A}家窗户", "{B}家油烟直接排到{A}家"],
                 ["{B}在院里烧纸、烧垃圾", "{B}经常在门口烧垃圾"]],
    "nb_wall": [["{B}翻建院墙占了{A}家地方", "{B}家盖房子墙砌到了{A}家地界上"],
                ["因院墙滴水问题与{B}有矛盾", "{B}家房檐滴水滴到{A}家院里"]],
    "debt_loan": [["{B}借了{A}{amt}一直不还", "{B}欠{A}{amt}拖着不还", "{A}借给{B}{amt}，多次催要无果", "因{amt}借款纠纷",
                   "{B}借钱时说三个月还，现在躲着不见", "{B}打了欠条，欠款{amt}至今未还"]],
    "debt_partner": [["与{B}合伙做生意，散伙后{B}不退{A}的{amt}投资款", "合伙开店亏了，{B}不承担分摊的{amt}",
                      "因合伙经营账目不清与{B}起纠纷", "{B}拿了{A}的入股钱{amt}不认账"]],
    "debt_rent:A": [["{B}租{A}的房子欠房租{amt}", "{B}拖欠房租{amt}", "因房租问题与{B}有纠纷", "{B}到期不搬走也不交房租"]],
    "debt_rent:B": [["退租时{B}扣着{amt}押金不退", "{B}不退{amt}押金", "因房租和押金问题与{B}有纠纷", "{B}没到期就让{A}搬走，押金也不退"]],
    "debt_goods": [["{B}拉走货物后欠货款{amt}", "{B}欠{A}货款{amt}一直拖欠", "给{B}送的货款{amt}没结", "因货款结算问题与{B}发生纠纷"]],
    "debt_car": [["{B}开车剐蹭了{A}的车，赔偿{amt}谈不拢", "两车剐蹭后{B}不认赔偿", "{B}撞了{A}的电动车后不赔钱"]],
    "pm_fee": [["因物业费问题与{B}发生纠纷", "对{B}收取的物业费有异议", "{B}服务不到位还要涨物业费"],
               ["{B}因{A}欠物业费停了{A}家的门禁卡", "{B}因为物业费的事把{A}家门禁卡停了"]],
    "pm_repair": [["家里漏水多次报修{B}不管", "楼顶防水坏了，{B}推说不归它管", "{B}对公共管道维修一直拖着", "下水管道堵塞，{B}迟迟不处理"]],
    "pm_elevator": [["电梯经常坏，{B}维修不及时", "电梯停运半个多月{B}不修", "{B}拖着不更换老旧电梯"]],
    "pm_parking": [["{B}车位费涨价", "{B}乱收停车费", "{B}停车费一下涨了一倍"],
                   ["{B}不让外来车辆进小区", "亲戚来了车都进不了小区，{B}不给登记"],
                   ["{B}把公共绿地改成收费车位", "{B}占用绿地划车位收费"]],
    "pm_heating": [["家里暖气不热，{B}一直不解决", "供暖温度不达标找{B}没人管", "{B}未按时供暖"]],
    "pm_delivery": [["购买的房屋延期交房", "开发商一直拖着不交房", "买的房子过了交房日期还没交"],
                    ["买的房子有质量问题，{B}拒不维修", "新房墙面开裂渗水，{B}推诿不修"],
                    ["开发商承诺的配套没有兑现，{B}推诿", "房屋交付后一直办不下房产证"]],
    "wage_wage": [["在{co}做{job}，被拖欠{m}工资共计{amt}", "{boss}拖欠{job}工资{amt}", "{co}拖欠工资{m}未发",
                   "在{co}干了{m}{job}，工钱{amt}一直没结", "{boss}以各种理由拖欠工资", "去年干活的工资{amt}至今没拿到", "{co}欠薪，老板联系不上"]],
    "wage_injury": [["在{co}工作时受伤，{co}不给工伤赔偿", "工作中受伤后{boss}不管医药费", "因工伤赔偿{amt}与{co}有争议",
                     "干活时从架子上摔下来，{co}拒绝认定工伤"]],
    "wage_dismiss": [["被{co}无故辞退，没有任何补偿", "{co}辞退后不给经济补偿金{amt}", "{co}不签劳动合同还把人辞了",
                      "{co}拖着不给办离职，也不结算最后{m}工资"]],
    "wage_group": [["{n}名工人在{co}工地干活，被拖欠工资共计{amt}", "{co}拖欠{n}名{job}工资{m}", "多名工人被{co}拖欠工资，总计{amt}",
                    "工友们在{co}干了{m}，工钱一分没拿到", "{co}项目完工后拒不支付农民工工资{amt}"]],
    "land_boundary": [["与{B}因宅基地边界问题发生纠纷", "{B}翻建房屋时占了{A}家宅基地", "两家宅基地界线不清，{B}多占了半米", "{B}盖房越界"]],
    "land_rebuild": [["{B}翻建房屋加高，挡住{A}家采光", "{B}盖二层楼影响{A}家通风采光", "因{B}家盖房子起纠纷"]],
    "land_contract": [["因土地承包问题与{B}发生纠纷", "承包地被{B}占种", "{B}到期不退还承包地"],
                      ["{B}把{A}家的承包地流转出去没给钱", "{B}流转了{A}家的地，流转费一直没给"]],
    "land_comp": [["拆迁补偿分配不公", "对村里腾退补偿方案有意见", "村集体土地流转收益分配不公开"],
                  ["{B}未按规定发放征地补偿款{amt}", "{B}克扣土地补偿款", "征地补偿款{amt}被{B}扣着不发"]],
    "inh_house": [["{par}去世后，与{B}因老宅继承问题产生纠纷", "因{par}遗留房产分割与{B}有矛盾", "兄弟姐妹因{par}房产的继承闹矛盾",
                   "{B}占着{par}留下的房子不让{A}住"],
                  ["{B}拿出一份遗嘱说房子归{B}", "{B}称{par}生前立了遗嘱，房子归{B}", "对{B}拿出的遗嘱有异议"]],
    "inh_money": [["{par}的拆迁款{amt}被{B}独占", "{B}不同意平分{par}的拆迁补偿", "{par}的拆迁款分配不公"],
                  ["{B}拿走了{par}的存款{amt}", "因{par}留下的{amt}遗产分配问题与{B}起纠纷", "{par}的存款被{B}取走了"]],
    "con_prepaid": [["在{co}办了{amt}的卡，现在店关门了", "{co}突然停业，预付费{amt}退不了", "{co}人去楼空，卡里还有{amt}"],
                    ["{co}承诺可以随时退款，现在不给退", "{co}换了老板，之前充的{amt}不认了", "想退卡，{co}以各种理由拒绝"]],
    "con_prepaid:kids": [["给孩子在{co}报的课{amt}，机构跑路了", "{co}突然停课，{amt}学费退不了", "孩子在{co}的课还剩一半，机构关门了"]],
    "con_decor": [["{co}装修质量差，墙面开裂、漏水", "{co}偷工减料还要加钱", "{co}装修完没多久就开裂"],
                  ["{co}收了{amt}装修款后停工", "{co}装修拖了三个月没完工", "{co}拿了钱不干活"]],
    "con_goods": [["在{co}买的{prod}有质量问题，商家拒不退换", "{co}卖的{prod}坏了不给修", "{co}以次充好", "在{co}买{prod}花了{amt}，根本不是宣传的那样"]],
    "con_car:二手车行": [["在{co}买的二手车是事故车", "{co}隐瞒车况，退车不给退钱", "{co}卖的车里程表被调过"]],
    "con_car": [["在{co}修车多收了{amt}", "{co}修车乱收费", "{co}修完车又出毛病还要加钱"]],
    "cs_night": [["{co}夜间施工，噪音很大", "{co}半夜还在施工打桩", "{co}晚上十点以后还在施工", "{co}凌晨浇筑混凝土吵得没法睡"]],
    "cs_dust": [["{co}工地扬尘严重", "{co}没有苫盖，尘土飞扬", "{co}渣土运输撒漏，路上都是土"]],
    "cs_truck": [["{co}的渣土车夜里来回跑", "{co}的大车压坏了路面", "工程车辆深夜进出，噪音扰民"]],
    "ot_traffic": [["与{B}因车辆剐蹭发生纠纷", "电动车和{B}的车碰了", "倒车时碰了{B}的车"]],
    "ot_dogbite": [["{A}被{B}家的狗咬伤", "{B}家狗咬了{A}家孩子", "被{B}的狗咬了一口，打了狂犬疫苗"]],
    "ot_online": [["{B}在微信群里发帖辱骂{A}", "{B}在网上散布{A}的隐私", "{B}在朋友圈造谣"]],
    "ot_cowork": [["与同事{B}因工作问题发生矛盾", "在单位与{B}闹矛盾", "与{B}因排班问题有分歧"]],
    "ot_mental": [["{B}患有精神疾病，近期情绪不稳", "{B}有精神病史，近期停药", "{B}精神状态异常，近期行为反常"]],
}
KIDS = ["孩子", "儿子", "女儿", "小孩"]
PARENTS = ["父亲", "母亲", "老人", "父母", "老父亲", "老母亲"]


def cause_a(c):
    d = c.d
    f = d.facts
    rng = c.rng
    sub = d.sub
    key = sub
    if sub == "couple":
        key = "couple:" + f["cause"]
    elif sub == "debt_rent":
        key = "debt_rent:" + f.get("landlord", "A")
    elif sub == "con_prepaid" and f.get("kids_class"):
        key = "con_prepaid:kids"
    elif sub == "con_car" and f.get("product") == "二手车行":
        key = "con_car:二手车行"
    groups = CAUSES[key]
    gi = f.get("subject")
    if gi is None:
        gi = f["subject"] = rng.randrange(len(groups))
    if len(groups) > 1 and rng.random() < 0.1:
        gi = rng.randrange(len(groups))   # a reporter brings up another side of the same quarrel
    t = c.pick(f"cause_{key}_{gi}", groups[gi])
    # a relative, a neighbour or a cadre tells whose matter it is
    role = c.rep_role
    if role != "A" and (role != "A_sp" or d.kind in ("婚姻家庭", "劳资/欠薪", "债务/经济", "继承", "其他")) \
            and "{A}" not in t and t.startswith(IMPLICIT):
        t = "{A}" + t
        if role == "A_sp":
            return fill_slots(c, t.replace("{A}", c.ref("A"), 1))
    return fill_slots(c, t)


IMPLICIT = ("因", "与", "在", "被", "工作", "干活", "去年", "每次", "想退", "给孩子", "购买", "买的", "倒车", "电动车", "离婚后双方",
            "离婚时", "家里", "承包地", "新房", "开发商", "亲戚来了", "孩子在", "老人生病")


def fill_slots(c, t):
    if "{" not in t:
        return t
    d = c.d
    f = d.facts
    rng = c.rng
    if "{A}" in t:
        t = t.replace("{A}", c.self_ref() if c.rep_role == "A_sp" else c.ref("A"))
    if "{B}" in t:
        t = t.replace("{B}", c.ref("B"))
    if "{amt}" in t:
        t = t.replace("{amt}", money(rng, d.quote(c.rep_role)))
    if "{co}" in t:
        t = t.replace("{co}", c.ref("B_org") if "B_org" in d.roles else c.ref("B"))
    if "{boss}" in t:
        t = t.replace("{boss}", c.ref("B"))
    if "{m}" in t:
        t = t.replace("{m}", months_word(rng, f.get("months", 3)))
    if "{job}" in t:
        t = t.replace("{job}", f.get("job", "工人"))
    if "{n}" in t:
        t = t.replace("{n}", str(f.get("group", 10)))
    if "{kid}" in t:
        t = t.replace("{kid}", f.setdefault("kid", rng.choice(KIDS)))
    if "{par}" in t:
        t = t.replace("{par}", f.setdefault("par", rng.choice(PARENTS)))
    if "{prod}" in t:
        t = t.replace("{prod}", f.get("product", "东西"))
    return t


# --------------------------------------------------------------------------------------

def story(c, rec):
    """the body: cause + events + negations"""
    ev = rec.events
    d = c.d
    rng = c.rng
    head = [cause(c)]
    cl = event_clauses(c, ev, rec.actor, rec.victim, rec.suicide_role)
    if cl and rng.random() < 0.3:
        head = [cl[0], head[0]]   # tell what happened before why
        cl = cl[1:]
    s = head[0]
    for p in head[1:] + cl:
        if p.startswith(("此前", "以前", "这不是")):
            s += "，" + p
        else:
            s += rng.choice(["，", "，", "，", "；", "，随后", "，后", "，期间", "，并且"]) + p
    neg = negations(c, ev, d.domestic)
    for p in neg:
        s += rng.choice(["，", "，", "；", "。"]) + p
    return s


def reporter_intro(c, voice):
    rec = c.rec
    nm = rec.rep_text_name
    if voice == "police":
        o = [f"报警人{nm}称：", f"{nm}报警称", "报警人称", f"事主{nm}报称", "接110指令：报警人称", "报警人报警称",
             f"报警人{nm}来所称", "群众报警称", f"{nm}来电称", "接警：报警人称"]
        if rec.rep_role not in ("A", "B"):
            o += ["群众报警称", "报警人称"]
        return c.pick("intro_police", o)
    if voice == "hotline":
        if c.persp == "1":
            return c.pick("intro_h1", ["来电人反映：", "市民来电：", "诉求人称：", "来电人表示：", ""])
        return c.pick("intro_h3", ["市民来电反映，", "来电人反映：", "来电人称", "市民反映：", "诉求人来电表示", "来电反映：",
                                   "市民来电诉求：", "来电人来电反映"])
    if voice == "petition":
        return c.pick("intro_p", ["信访人反映：", "来访人称", f"信访人{nm}反映", "信访人来访反映", "反映：", "来信反映，",
                                  "信访人诉称", "网上信访反映："])
    if c.persp == "1":
        return c.pick("intro_f1", ["求助人自述：", "来电人称：", "本人反映：", ""])
    return c.pick("intro_f", ["求助人自述", "求助人来访反映", "来电称", f"{nm}到妇联反映", "12338热线来电，求助人称",
                              "求助人反映", "当事人来访称", "经了解，"])


REQUEST = {
    "police": ["", "", "要求民警处理", "要求出警", "请求民警到场", "现场需要民警"],
    "hotline": ["希望相关部门协调解决", "要求尽快处理", "请相关部门给予帮助", "希望督促{B}解决", "诉求：要求协调解决",
                "希望有关部门介入调解", "要求对方赔偿损失", "希望社区/村委会出面协调", "来电人要求给予答复"],
    "petition": ["要求依法处理", "请求政府帮助解决", "要求相关部门追究责任", "要求尽快解决", "诉求：依法维护其合法权益",
                 "要求给个说法", "要求督促{B}履行义务", "请求协调相关部门处理"],
    "hotline_dom": ["希望相关部门帮助", "请求社区/村委会调解", "希望派出所管一管", "希望妇联介入", "要求尽快处理", "来电人要求给予答复"],
    "petition_dom": ["要求依法处理", "要求追究施暴人责任", "请求政府帮助解决", "要求派出所依法处理", "要求给个说法", "请求协调相关部门处理"],
    "fed": ["希望妇联帮助", "咨询离婚相关法律问题", "希望得到法律援助", "请求调解", "希望妇联协调", "咨询如何保护自己",
            "希望得到心理疏导", "想了解如何申请保护令", ""],
}


def describe(c):
    rec = c.rec
    voice = c.voice
    rng = c.rng
    body = story(c, rec)
    intro = reporter_intro(c, voice)
    rk = voice + "_dom" if c.d.domestic and voice in ("hotline", "petition") else voice
    opts = REQUEST[rk]
    if not (rec.events & {"dv", "dv_injury", "strangulation", "physical", "order_breach"}):
        opts = [o for o in opts if "施暴" not in o]
    req = c.pick("req_" + rk, opts)
    if "{B}" in req:
        req = req.replace("{B}", c.ref("B"))
    s = intro + body
    if voice == "police" and rng.random() < 0.35:
        when = rec.t
        s = rng.choice([f"{when.month}月{when.day}日{when.hour}时许，", f"{when:%H:%M}许，", "今日", ""]) + s
    if req:
        s += "，" + req
    if voice == "petition" and c.d.facts.get("petition_note") and rng.random() < 0.5:
        s += "。" + c.d.facts["petition_note"]
    s += "。"
    s = s.replace("其的", "其").replace("。，", "，").replace("。。", "。").replace("家家的", "家的").replace("家家", "家")
    if rec.history_note and rng.random() < 0.7:
        s += rec.history_note
    if rng.random() < 0.02:
        s = s.replace("，", ",")
    if rng.random() < 0.015:
        s = s.replace("。", "。\n", 1)
    return s


# --------------------------------------------------------------------------------------
def police_disposition(c):
    rec = c.rec
    ev = rec.events
    rng = c.rng
    d = c.d
    o = []
    if ev & {"dv", "dv_injury", "strangulation", "order_breach"}:
        o += ["对施暴人出具家庭暴力告诫书", "已对施暴方进行训诫，出具告诫书", "开具告诫书一份，告知受害方可申请人身安全保护令",
              "现场制止，已通知妇联跟进", "带双方回所做笔录"]
    if ev & {"dv_injury", "physical", "strangulation"}:
        o += ["伤者已送医，转治安案件办理", "已开具验伤通知书", "双方被带回所内处理", "已受理为治安案件"]
    if ev & {"threat_kill", "weapon"}:
        o += ["收缴刀具，将当事人带回所内审查", "已对扬言人进行训诫，列为重点关注", "将当事人带回派出所，已通知社区民警重点关注",
              "当事人被口头传唤至派出所"]
    if "suicide_threat" in ev:
        o += ["已安抚当事人情绪，通知其家属看护", "经劝导当事人情绪稳定，交由家属看管"]
    o += ["民警到场后经调解双方情绪稳定", "已对双方进行批评教育", "属民事纠纷，告知其通过法律途径解决", "经调解双方达成一致",
          "调解不成，建议到司法所申请人民调解", f"已移交{d.town_short}司法所跟进调解", "告知双方到人民调解委员会调解",
          "民警到场时对方已离开，已告知报警人注意安全", "已通知村（居）委会及网格员关注", "现场劝解后双方离开",
          "经现场调解，双方同意自行协商", "报警人称已自行解决，取消报警", "已登记，建议走诉讼程序"]
    s = c.pick("pdisp", o)
    if rng.random() < 0.3:
        s2 = c.pick("pdisp2", ["已通知社区民警回访", "已录入矛盾纠纷排查台账", "已告知双方不得再发生冲突", "后续由社区民警跟进"])
        s += "，" + s2
    return s + ("。" if rng.random() < 0.7 else "")


def fed_disposition(c):
    ev = c.rec.events
    o = ["已为求助人提供法律咨询", "已联系村（居）妇联执委入户了解", "已转介司法所调解", "已协调派出所关注", "已联系心理咨询师进行疏导",
         "已告知求助人相关法律规定", "已联系律师提供法律援助", "电话回访，求助人情绪平稳", "已登记，待进一步核实",
         "约双方到妇联调解，男方未到场"]
    if ev & {"dv", "dv_injury", "strangulation", "order_breach"}:
        o += ["已启动家暴联动处置，通知派出所", "已协助求助人验伤取证", "已联系庇护场所", "已告知申请人身安全保护令的流程"]
    if "order_application" in ev:
        o += ["已协助求助人向人民法庭申请人身安全保护令", "已陪同到法庭提交保护令申请"]
    return c.pick("fdisp", o)
