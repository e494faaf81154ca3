"""How a lead tells an event: many wordings composed from templates and slots.

Written from issue 11's policy alone (not from any detector's lexicon). Each event is
told by composing a frame (who does what to whom, how it is reported) from slot lists:
actors, cues, harms, means, places, quoting styles (indirect, quoted in the first
person, retold by the victim or by the agency), times and tails, so that a red-flag
event has hundreds to thousands of surface forms and no short phrase list repeats.
Each ``tell_*`` returns the clause and the events it tells (a threat naming a knife
tells ``threat`` and ``weapon``). Negated, hedged and decoy clauses tell no event and
are chosen so they never contradict what the same lead tells.

Slots in templates: ``{A}`` the actor, ``{V}`` the victim (object form), ``{W}`` a
weapon or means, ``{N}`` a count.
"""

from __future__ import annotations

from samples.chance import Dice

# ---------------------------------------------------------------- shared slots

TIMES = ("", "", "", "酒后", "当晚", "昨晚", "今天上午", "近日", "前天晚上", "在争执中",
         "当着邻居的面", "临走时", "半夜", "喝多了以后", "最近一段时间", "上周")
OFTEN = ("", "", "多次", "经常", "屡次", "不止一次", "三番五次", "反复")
VIC_SAYS = ("{V}称", "据{V}反映，", "{V}说", "{V}哭诉", "{V}表示", "{V}告诉民警")

# ---------------------------------------------------------------- threats to kill or harm

THREAT_CUES = ("扬言要", "放话要", "放出狠话要", "叫嚣要", "威胁说要", "声称要", "嚷嚷着要",
               "撂下话说要", "口口声声说要", "当众说要", "在电话里威胁要", "发微信说要",
               "发语音扬言要", "扬言称要", "恶狠狠地说要", "喊着要", "扬言", "放话", "威胁要",
               "写纸条说要", "跟别人说要")
THREAT_HARMS = (
    "弄死{V}", "杀了{V}", "杀{V}全家", "要了{V}的命", "要{V}的命", "和{V}同归于尽",
    "跟{V}同归于尽", "灭{V}满门", "把{V}一家都杀了", "捅死{V}", "砍死{V}", "打死{V}",
    "废了{V}", "打断{V}的腿", "让{V}见血", "让{V}家破人亡", "和{V}鱼死网破", "跟{V}鱼死网破",
    "让{V}活不过今年", "让{V}横着出去", "卸{V}一条胳膊", "把{V}弄残", "一把火烧了{V}家",
    "放火烧{V}的房子", "宰了{V}", "掐死{V}", "整死{V}", "让{V}不得好死", "把{V}腿打折",
    "让{V}全家陪葬", "跟{V}拼个你死我活", "取{V}性命",
)
QUOTE_SAY = ("扬言", "叫嚣", "撂下狠话", "放狠话", "冲{V}喊", "威胁称", "骂道", "放话", "说",
             "在电话里说", "指着{V}说", "发短信称")
QUOTE_IF = ("", "", "", "再不还钱", "你敢离婚", "再去告", "再让我看见你", "你要敢走", "不给钱",
            "再报警", "钱不给我", "你再来", "这事不解决", "你敢再找", "你要是敢分", "你要再多嘴")
QUOTE_THEN = (
    "我就弄死你", "我就杀了你", "我就跟你同归于尽", "我就灭你全家", "我就砍死你", "我就要你的命",
    "我就让你见血", "我就一把火烧了你家", "我就打断你的腿", "咱们就鱼死网破", "我非废了你不可",
    "老子弄死你", "我宰了你", "我让你活不过明天", "我就捅死你", "我早晚弄死你", "我让你全家不得好死",
    "大不了同归于尽", "我跟你拼个你死我活", "我整死你们全家", "信不信我弄死你",
)
THREAT_ACTORS_SELF = ("报警人", "来电人", "信访人", "求助人", "其本人", "该男子", "当事人")
THREAT_ACTORS_KIN = ("对方儿子", "对方的弟弟", "对方家人", "对方女婿", "对方找来的人",
                     "其丈夫的哥哥", "对方亲戚", "对方母亲")
POLICE_THREAT = ("经了解，{A}{T}{C}{H}", "民警到场后，{A}仍{C}{H}", "现场{A}情绪激动，{C}{H}",
                 "出警时{A}还{C}{H}")

# ---------------------------------------------------------------- weapons and means

BLADES = ("菜刀", "水果刀", "砍刀", "尖刀", "匕首", "剪刀", "镰刀", "斧头", "斧子", "杀猪刀",
          "西瓜刀", "剔骨刀", "弹簧刀")
TOOLS = ("铁锹", "锄头", "镐把", "铁棍", "木棍", "钢管", "棒球棍", "扳手", "榔头", "铁锤",
         "擀面杖", "铁叉", "粗木棒", "砖头")
MEANS = ("汽油", "一桶汽油", "农药", "一瓶敌敌畏", "煤气罐", "硫酸", "打火机和汽油")
WEAPON_HOLD = ("持", "手持", "拿着", "拎着", "抄起", "举着", "挥舞着", "掏出", "从厨房拿出",
               "提着", "攥着", "拿了一把", "带着", "揣着")
WEAPON_DO = ("要砍{V}", "追砍{V}", "追打{V}", "冲到{V}家门口", "堵在{V}家门口", "威胁{V}",
             "朝{V}比划", "往{V}身上扎", "要砸{V}家的门", "冲进{V}家", "在{V}家院里叫嚣",
             "守在{V}楼下", "追着{V}跑了半条街", "要找{V}算账", "朝{V}挥去", "在{V}面前晃")
MEANS_DO = ("到{V}家门口", "要烧{V}家的房子", "闯进{V}家", "堵在{V}单位门口", "扬言要泼{V}")
WEAPON_THREAT = ("扬言要拿{W}砍{V}", "说要用{W}劈了{V}", "放话要拿{W}捅{V}", "威胁要拿{W}砍死{V}",
                 "扬言要拿{W}跟{V}拼命", "叫嚣要用{W}砸死{V}", "说要提着{W}去找{V}")
MEANS_THREAT = ("扬言要用{W}烧了{V}家", "威胁要拿{W}泼{V}", "说要开煤气跟{V}同归于尽",
                "放话要往{V}家里泼汽油", "扬言要在{V}的饭里下农药")
WEAPON_SEEN = ("民警到场时{A}手里还拿着{W}", "现场收缴{W}一把", "民警从{A}身上搜出{W}",
               "{A}在{V}家门口放了一把{W}吓唬{V}", "{A}把{W}拍在桌上")

# ---------------------------------------------------------------- suicide threats

SUICIDE_SELF = ("其", "其本人", "{ME}", "对方", "{A}", "其母亲", "其丈夫", "其妻子", "其父亲",
                "该女子", "该男子")
SUICIDE_CUE = ("扬言要", "称要", "说要", "哭着说要", "威胁说要", "声称要", "放话要", "嚷着要",
               "说不解决就要", "表示实在不行就", "吵着要", "在电话里说要", "留言说要")
SUICIDE_MEANS = ("跳楼", "从楼上跳下去", "喝农药", "喝药", "割腕", "上吊", "开煤气", "跳河",
                 "卧轨", "吃安眠药", "寻短见", "自杀", "一死了之", "死在镇政府门口", "轻生",
                 "从桥上跳下去", "从塔吊上跳下来", "喝敌敌畏", "撞车", "吊死在{P}门口")
SUICIDE_PLACES = ("村委会", "镇政府", "项目部", "信访办", "对方家", "工地", "物业办公室")
SUICIDE_STATE = (
    "站到楼顶边上要往下跳", "爬上楼顶天台不肯下来", "拿着一瓶农药要喝", "把自己反锁在屋里打开了煤气",
    "写了遗书", "留下遗书后离家", "已经写好了遗书", "在手腕上划了几道口子", "吞了一把安眠药被送医",
    "以死相逼", "多次以死相逼", "爬到{P}的楼顶上要跳", "坐在河边说不想活了", "要从{P}楼上跳下去",
    "在{P}门口要喝农药", "把农药瓶放在桌上要喝", "在朋友圈发了遗言",
)
SUICIDE_QUOTES = ("活着没意思了", "我不想活了", "我就死在你们这儿", "我今天就从楼上跳下去",
                  "我这就喝药", "我死给你们看", "不给钱我就从这跳下去", "这日子没法过了，我去死",
                  "再不解决我就上吊", "我的遗书都写好了", "我跳楼给你们看", "大不了我一死了之")
SUICIDE_SAY = ("说", "哭喊", "扬言", "在电话里说", "喊着", "反复说", "留言称")
SUICIDE_RETELL = ("{ME}称其不想活了", "{ME}称有轻生念头", "{ME}情绪低落，称活着没意思",
                  "{ME}表示如问题得不到解决将以死明志", "{ME}称已经想好怎么死了",
                  "{ME}多次提到想自杀", "{ME}说实在走投无路就去死")

# ---------------------------------------------------------------- domestic violence

DV_ACTS = ("殴打{V}", "打了{V}", "对{V}拳打脚踢", "用皮带抽打{V}", "用衣架打{V}",
           "扇了{V}几个耳光", "揪着{V}的头发往墙上撞", "把{V}按在地上打", "用脚踹{V}",
           "用拖鞋抽{V}", "抓着{V}的头往桌角上磕", "把{V}从床上拖下来打", "朝{V}脸上打了几拳",
           "对{V}又打又踹")
DV_INJURIES = ("脸部淤青", "眼眶青紫", "鼻子出血", "嘴角流血", "身上多处淤青", "胳膊青一块紫一块",
               "头部缝了{N}针", "鼻梁骨折", "肋骨骨折", "耳膜穿孔", "牙齿松动", "经鉴定为轻微伤",
               "头皮被扯掉一块", "腰部软组织挫伤", "手腕骨裂", "脸肿得睁不开眼", "额头磕破流血",
               "后背全是伤", "两颗牙被打掉", "眼睛充血")
DV_INJ_FORMS = ("{A}{T}{D}，致{V}{I}", "{A}{T}{D}，{V}{I}", "{A}{T}{D}，造成{V}{I}",
                "{V}被{A}打得{I2}", "{A}{T}{D}，验伤显示{V}{I}", "{A}{T}{D}，现场可见{V}{I}",
                "{V}{I}，系{A}{T}所打", "{A}{T}{D}，{V}到医院就诊，{I}")
DV_INJ2 = ("鼻青脸肿", "满脸是血", "住进了医院", "头破血流", "浑身是伤", "下不了床")
STRANGLE = ("掐住{V}的脖子", "掐{V}脖子", "死死掐着{V}的脖子不放", "用双手掐住{V}的喉咙",
            "用绳子勒{V}的脖子", "用毛巾勒住{V}的脖子", "用胳膊勒住{V}的脖子", "用枕头捂住{V}的口鼻",
            "捂住{V}的嘴和鼻子", "用被子捂住{V}的头", "卡住{V}的脖子往墙上按", "用电线勒{V}的脖子",
            "把{V}按在床上掐脖子", "用手捂着{V}的嘴不让喊")
STRANGLE_TAIL = ("", "", "，致{V}一度喘不上气", "，{V}差点窒息", "，{V}当时说不出话",
                 "，{V}身上未见明显外伤", "，所幸未留下明显伤痕", "，{V}挣脱后跑出家门",
                 "，邻居听到呼救后赶来")
ORDER_PRE = ("法院已对{A}发出人身安全保护令", "{V}此前已申请到人身安全保护令",
             "区法院作出的人身安全保护令仍在有效期内", "法院{M}月份裁定禁止{A}接近{V}",
             "{V}去年已拿到人身安全保护令", "人民法庭已签发人身安全保护令")
ORDER_ACT = ("{A}仍多次到{V}住处纠缠", "{A}仍然上门骚扰{V}", "{A}又到{V}单位闹事",
             "{A}还是天天打电话骚扰{V}", "{A}仍跟踪{V}", "{A}再次到{V}娘家找{V}",
             "{A}又闯进{V}的出租屋", "{A}仍在{V}小区门口蹲守")
ORDER_BREACH = ("{A}违反人身安全保护令，", "{A}无视法院保护令，", "{A}不顾保护令的禁止，",
                "保护令下发后，{A}")
ORDER_BREACH_DO = ("再次上门骚扰{V}", "又到{V}单位纠缠", "仍多次给{V}打电话发短信",
                   "跑到{V}娘家闹", "继续跟踪{V}", "又来堵{V}")
DV_HIT = ("动手打了{V}", "推了{V}一把", "打了{V}两巴掌", "扇了{V}一耳光", "踹了{V}一脚",
          "经常打{V}", "长期对{V}动手", "酒后打骂{V}", "一喝酒就对{V}动手", "对{V}实施家暴",
          "把{V}推倒在地", "揪着{V}的头发拖", "不是第一次动手了", "又对{V}动了手",
          "对{V}拳打脚踢", "长期家暴{V}")
DV_HIT_TAIL = ("", "", "", "，未见明显伤痕", "，所幸没有受伤", "，{V}未去医院",
               "，{V}身上没有明显伤")
DV_CONTROL = ("经常谩骂恐吓{V}", "长期对{V}进行精神控制", "不让{V}出门", "没收了{V}的手机",
              "控制{V}的工资卡", "跟踪{V}上下班", "到{V}单位门口蹲守", "天天查{V}的手机",
              "摔东西吓唬{V}", "砸家里的东西恐吓{V}", "不让{V}和娘家人联系", "在{V}车上装了定位",
              "把{V}锁在家里不让走", "半夜不让{V}睡觉反复辱骂", "扣着{V}的身份证不给",
              "威胁{V}说离婚就别想见孩子", "长期言语恐吓{V}")

# ---------------------------------------------------------------- physical conflict (not family)

PHYS_BOTH = ("双方发生推搡", "双方厮打在一起", "双方扭打起来", "双方发生肢体冲突", "双方动了手",
             "双方互相推搡", "双方撕扯起来", "两人互殴", "双方打了起来", "双方拉扯中动了手")
PHYS_ONE = ("推了{V}一把", "打了{V}一拳", "揪住{V}的衣领", "上前撕扯{V}", "把{V}推倒在地",
            "扇了{V}一巴掌", "踹了{V}一脚", "无故殴打{V}", "对{V}动手", "抓伤了{V}的脸",
            "把{V}推下台阶", "不是第一次动手了", "打了{V}几下", "跟{V}扭打在一起")
PHYS_ONE_NO_INJURY = tuple(p for p in PHYS_ONE if "伤" not in p)
PHYS_TAIL = ("", "", "", "，致{V}手臂擦伤", "，经鉴定{V}为轻微伤", "，{V}脸上被抓破",
             "，造成{V}轻微伤", "，{V}眼角红肿", "，未造成严重后果", "，{V}膝盖擦破皮")

# ---------------------------------------------------------------- heated words

HEATED = ("双方发生激烈争吵", "双方吵得很凶", "双方互相辱骂", "双方恶语相向", "{A}在{V}家门口骂街",
          "{A}辱骂{V}", "双方情绪激动", "双方发生言语冲突", "{A}对{V}破口大骂", "双方发生口角",
          "{A}指着{V}的鼻子骂", "{A}骂得很难听", "双方吵了起来", "双方大吵一架", "{A}出言不逊",
          "{A}对{V}言语侮辱", "双方争吵不休", "{A}骂骂咧咧", "双方越说越激动", "{A}堵门叫骂",
          "{A}撂下一句“你给我等着”", "{A}冲{V}吼叫", "{A}在群里骂{V}")

# ---------------------------------------------------------------- petitions

GROUP_PET = ("{N}名{G}集体来访", "{G}{N}人到信访办集体上访", "信访人等{N}人集体反映",
             "{N}余名{G}联名并集体到访", "{G}一行{N}人来访", "{N}名{G}一起到信访接待大厅",
             "共{N}人到访反映")
REPEAT_SKIP = ("此前已多次到区、市信访部门反映", "属重复信访，曾越级到市信访办上访",
               "已多次来访，并到市里越级上访", "反复信访，且曾到国家信访局反映",
               "该事项已重复反映，信访人曾越级到市信访办")
CN_COUNT = ("五", "六", "七", "八", "十", "十几", "二十多", "三十余", "四十多", "十余")

# ---------------------------------------------------------------- negated, hedged, decoy

NEG_CONTACT = ("双方没有动手", "未发生肢体冲突", "双方无肢体冲突", "{A}并未动手", "{A}没有打人",
               "双方未有肢体接触", "{A}从没动过手", "当时没有推搡", "{A}没有对{V}动手",
               "双方均未动手")
NEG_INJURY = ("无人员受伤", "未发现伤情", "{V}未受伤", "双方均未受伤", "经查看{V}身上无伤",
              "未造成人员受伤")
NEG_THREAT = ("{A}否认扬言报复", "{A}否认说过要伤害{V}的话", "{A}并未扬言要伤害{V}",
              "{A}没有威胁过{V}", "未发现{A}携带刀具", "现场未发现凶器", "{A}没有说过过激的话",
              "{A}称从没说过要同归于尽之类的话")
NEG_SUICIDE = ("{ME}情绪稳定，无轻生念头", "{ME}表示不会想不开", "{ME}称并没有想过寻短见")
HEDGES = ("怕对方报复", "担心对方报复", "担心对方做出过激行为", "怕矛盾激化", "担心对方以后找麻烦",
          "害怕事情闹大", "不知道对方会不会动手", "担心再这样下去会出事")
DECOYS_ANY = ("真是气死我了", "快被吓死了", "准备打官司", "多次打电话对方不接", "累死累活干了一年",
              "急得要命", "说要去法院打官司", "对方一直不接电话", "其家中有未成年子女", "对方无业在家")
DECOYS: dict[str, tuple[str, ...]] = {
    "消费": ("商家当初以“跳楼价”促销办卡", "买的时候还跟老板砍价", "商家杀价后又不认账",
           "购买的菜刀刀刃有质量问题", "店家说“亏死了也不退”", "门口挂着“跳楼价甩卖”的牌子"),
    "土地/宅基地": ("邻居喷洒农药飘到其承包地", "对方在地里打药", "对方砍了地头的几棵树"),
    "邻里": ("对方家的狗把鸡咬死了", "说楼上吵死人", "对方在院里杀鸡"),
    "施工扰民": ("工地打桩声音吵死人", "施工方称“赶工期要命”", "每天被吵得要死"),
    "物业": ("电梯把人困了半小时，差点吓死", "物业说“爱找谁找谁”", "物业砍掉了小区的树"),
    "债务/经济": ("对方借钱时说“砍价”就不借了", "当时对方说“救命钱”", "想去法院打官司"),
    "劳资/欠薪": ("干活累得要死", "包工头说“要钱没有要命一条”", "准备打官司讨薪"),
}


class Teller:
    """Composes the clause of one event; ``dice`` is the run's stream."""

    def __init__(self, dice: Dice) -> None:
        self.dice = dice

    def _t(self) -> str:
        return self.dice.ch(TIMES)

    def threat(self, who: str, vic: str, me: str, cp_of_me: str) -> tuple[str, set[str]]:
        """A threat to kill or seriously harm, by the counterpart, the reporter or kin."""
        dice = self.dice
        r = dice.rand()
        if r < 0.72:
            actor, target = who, vic
        elif r < 0.86:
            actor, target = dice.ch((me, me, *THREAT_ACTORS_SELF)), cp_of_me
        else:
            actor, target = dice.ch(THREAT_ACTORS_KIN), vic
        events = {"threat"}
        form = dice.rand()
        if form < 0.4:
            core = f"{actor}{self._t()}{dice.ch(OFTEN)}{dice.ch(THREAT_CUES)}" \
                   + dice.ch(THREAT_HARMS).replace("{V}", target)
        elif form < 0.68:
            cond = dice.ch(QUOTE_IF)
            then = dice.ch(QUOTE_THEN)
            quote = f"{cond}，{then}" if cond else then
            say = dice.ch(QUOTE_SAY).replace("{V}", target)
            core = f"{actor}{self._t()}{say}：“{quote}”" if dice.rand() < 0.5 \
                else f"{actor}{self._t()}{say}“{quote}”"
        elif form < 0.8:
            tpl = dice.ch(POLICE_THREAT)
            core = tpl.format(A=actor, T=self._t(), C=dice.ch(THREAT_CUES),
                              H=dice.ch(THREAT_HARMS).replace("{V}", target))
        elif form < 0.9:
            w = dice.ch(BLADES + TOOLS)
            core = actor + dice.ch(OFTEN) + dice.ch(WEAPON_THREAT).format(W=w, V=target)
            events.add("weapon")
        else:
            m = dice.ch(MEANS)
            core = actor + dice.ch(MEANS_THREAT).format(W=m, V=target)
            events.add("weapon")
        if actor == who and target == vic and vic not in ("其",) and dice.rand() < 0.2:
            core = dice.ch(VIC_SAYS).replace("{V}", vic) + core  # the victim retells it
        return core, events

    def weapon(self, who: str, vic: str) -> tuple[str, set[str]]:
        """A weapon or means in hand (or found on the actor)."""
        dice = self.dice
        r = dice.rand()
        if r < 0.6:
            w = dice.ch(BLADES + TOOLS)
            text = f"{who}{self._t()}{dice.ch(WEAPON_HOLD)}{w}" + dice.ch(WEAPON_DO).replace(
                "{V}", vic)
        elif r < 0.75:
            m = dice.ch(MEANS)
            text = f"{who}{self._t()}{dice.ch(('拎着', '提着', '带着', '拿着'))}{m}" \
                   + dice.ch(MEANS_DO).replace("{V}", vic)
        else:
            w = dice.ch(BLADES + TOOLS)
            text = dice.ch(WEAPON_SEEN).format(A=who, W=w, V=vic)
        return text, {"weapon"}

    def suicide(self, who: str, me: str) -> tuple[str, set[str]]:
        """A threat against one's own life: told by the agency or quoted."""
        dice = self.dice
        person = dice.ch(SUICIDE_SELF).replace("{ME}", me).replace("{A}", who)
        place = dice.ch(SUICIDE_PLACES)
        r = dice.rand()
        if r < 0.35:
            text = person + dice.ch(OFTEN) + dice.ch(SUICIDE_CUE) + dice.ch(SUICIDE_MEANS)
        elif r < 0.65:
            text = person + self._t() + dice.ch(SUICIDE_STATE)
        elif r < 0.85:
            text = f"{person}{dice.ch(SUICIDE_SAY)}“{dice.ch(SUICIDE_QUOTES)}”"
        else:
            text = dice.ch(SUICIDE_RETELL).replace("{ME}", me)
        return text.replace("{P}", place), {"suicide"}

    def dv_injury(self, who: str, vic: str) -> tuple[str, set[str]]:
        dice = self.dice
        text = dice.ch(DV_INJ_FORMS).format(
            A=who, V=vic, T=self._t(), D=dice.ch(DV_ACTS).replace("{V}", vic),
            I=dice.ch(DV_INJURIES).replace("{N}", str(dice.ri(3, 15))), I2=dice.ch(DV_INJ2))
        return text, {"dv_injury"}

    def strangle(self, who: str, vic: str) -> tuple[str, set[str]]:
        dice = self.dice
        text = f"{who}{self._t()}{dice.ch(OFTEN[:3])}{dice.ch(STRANGLE)}{dice.ch(STRANGLE_TAIL)}"
        return text.replace("{V}", vic), {"strangle"}

    def order_breach(self, who: str, vic: str) -> tuple[str, set[str]]:
        dice = self.dice
        if dice.rand() < 0.55:
            pre = dice.ch(ORDER_PRE).format(A=who, V=vic, M=dice.ri(1, 12))
            text = pre + "，" + dice.ch(("", "但", "可", "然而")) + dice.ch(ORDER_ACT).format(
                A=who, V=vic)
        else:
            text = dice.ch(ORDER_BREACH).format(A=who) + dice.ch(ORDER_BREACH_DO).replace(
                "{V}", vic)
        return text, {"order_breach"}

    def dv_hit(self, who: str, vic: str) -> tuple[str, set[str]]:
        dice = self.dice
        text = f"{who}{self._t()}{dice.ch(DV_HIT)}{dice.ch(DV_HIT_TAIL)}"
        return text.replace("{V}", vic), {"dv_hit"}

    def dv_control(self, who: str, vic: str) -> tuple[str, set[str]]:
        dice = self.dice
        text = f"{who}{dice.ch(OFTEN)}{dice.ch(DV_CONTROL)}"
        return text.replace("{V}", vic), {"dv_control"}

    def physical(self, who: str, vic: str, injury: bool = True) -> tuple[str, set[str]]:
        """Physical conflict; ``injury``: may tell a light injury (not between kin)."""
        dice = self.dice
        tail = dice.ch(PHYS_TAIL) if injury else dice.ch(PHYS_TAIL[:3])
        if dice.rand() < 0.45:
            text = dice.ch(PHYS_BOTH) + tail
        else:
            ones = PHYS_ONE if injury else PHYS_ONE_NO_INJURY
            text = f"{who}{self._t()}{dice.ch(ones)}{tail}"
        return text.replace("{V}", vic), {"physical"}

    def heated(self, who: str, vic: str) -> tuple[str, set[str]]:
        return self.dice.ch(HEATED).format(A=who, V=vic), {"heated"}

    def group_petition(self, n: int, group: str) -> tuple[str, set[str]]:
        dice = self.dice
        n_text = str(n) if dice.rand() < 0.5 else dice.ch(CN_COUNT)
        return dice.ch(GROUP_PET).format(N=n_text, G=group), {"group_petition"}

    def repeat_skip(self) -> tuple[str, set[str]]:
        return self.dice.ch(REPEAT_SKIP), {"repeat_skip"}

    # ---------------------------------------------------------------- no event

    def quiet(self, told: set[str], dtype: str, who: str, vic: str, me: str) -> str | None:
        """A negated, hedged or decoy clause that contradicts nothing the lead tells."""
        dice = self.dice
        r = dice.rand()
        if r < 0.45:
            banks: list[tuple[str, ...]] = []
            if not told & {"physical", "dv_hit", "dv_injury", "strangle"}:
                banks.append(NEG_CONTACT)
            if not told & {"dv_injury", "physical"}:
                banks.append(NEG_INJURY)
            if not told & {"threat", "weapon"}:
                banks.append(NEG_THREAT)
            if not told & {"suicide"}:
                banks.append(NEG_SUICIDE)
            if not banks:
                return None
            return dice.ch(dice.ch(banks)).format(A=who, V=vic, ME=me)
        if r < 0.7:
            return dice.ch(HEDGES)
        bank = DECOYS.get(dtype)
        if bank and dice.rand() < 0.6:
            return dice.ch(bank)
        return dice.ch(DECOYS_ANY)
