"""Phrase banks for the risk signals a description carries, and for their negations.

Clauses use ``{who}`` (the actor, as the reporter would name them), ``{vic}`` (the
victim) and ``{self}`` (who threatens to harm themselves); the collective petition uses
``{n}``, ``{group}`` and ``{place}``. Several phrasings per signal, so a scorer cannot
memorize one phrase; negated mentions (没有动手, 并未扬言) and decoys (跳楼价, 吵死了)
put the alarming words into low-risk leads on purpose.
"""

from __future__ import annotations

RED: dict[str, tuple[str, ...]] = {
    "threat_kill": (
        "{who}扬言要杀了{vic}", "{who}扬言要弄死{vic}", "{who}放话要{vic}的命",
        "{who}称要和{vic}同归于尽", "{who}扬言“大不了同归于尽”", "{who}威胁说要杀{vic}全家",
        "{who}扬言要捅死{vic}", "{who}扬言要放火烧了{vic}家", "{who}说“再逼我就一起死”",
        "{vic}称{who}多次扬言要杀了{vic}", "{who}扬言要让{vic}“见血”",
    ),
    "suicide": (
        "{self}扬言要跳楼", "{self}称不解决就喝农药", "{self}多次以死相逼",
        "{self}站在楼顶要往下跳",
        "{self}扬言要自杀", "{self}称活着没意思要寻短见", "{self}已经写好遗书",
        "{self}情绪崩溃说要割腕", "{self}吞服了安眠药被送医",
    ),
    "weapon": (
        "{who}持刀威胁{vic}", "{who}拿着菜刀追砍{vic}", "{who}手持铁锹要打{vic}",
        "{who}拎着砍刀堵在门口", "{who}拿剪刀往{vic}身上扎", "{who}抄起木棍打{vic}",
        "{who}持水果刀冲进{vic}家", "{who}拿着镐把要砸{vic}",
    ),
    "serious_injury": (
        "{vic}被打致骨折", "{vic}头部被打破缝了十几针", "{vic}被打昏迷送医抢救",
        "{vic}肋骨骨折住院",
        "{vic}被打成重伤", "{vic}被打得耳膜穿孔", "{vic}被打伤住院至今未出院",
    ),
    "breached_order": (
        "{who}违反人身安全保护令再次上门殴打{vic}",
        "法院已发出人身安全保护令，{who}仍多次骚扰{vic}",
        "{who}无视人身安全保护令到{vic}单位闹事", "人身安全保护令有效期内{who}又对{vic}动手",
    ),
    "collective": (
        "{n}名{group}集体到镇政府讨要说法", "组织{n}人到区信访办集体上访",
        "{n}多名{group}聚集在{place}门口",
        "{group}{n}人集体来访，此前已多次越级到市里上访", "称如不解决将组织{n}人到市信访办上访",
    ),
}
ORANGE: dict[str, tuple[str, ...]] = {
    "dv": (
        "{who}对{vic}实施家暴", "{who}酒后殴打{vic}", "{who}经常打骂{vic}",
        "{who}扇了{vic}几个耳光",
        "{who}对{vic}拳打脚踢", "{who}用皮带抽打{vic}", "{who}掐{vic}的脖子",
        "{vic}长期遭受家庭暴力",
        "{who}喝多了就动手打{vic}", "{who}把{vic}按在地上打",
    ),
    "injury": (
        "{vic}脸部受伤", "{vic}鼻子流血", "{vic}身上多处淤青", "{vic}手臂被抓伤",
        "{vic}头部受伤流血",
        "{vic}眼角被打肿", "造成{vic}轻微伤", "{vic}嘴角流血",
    ),
    "vulnerable": (
        "{vic}已年过八旬", "{vic}怀孕五个月", "家中有残疾孩子需要照顾", "{vic}是残疾人",
        "家里还有未成年孩子", "{vic}是独居老人", "{vic}年迈多病", "孩子才六岁，受到惊吓",
        "{vic}是七十多岁的老人",
    ),
    "assault": (
        "{who}动手打了{vic}", "双方发生肢体冲突", "{who}推倒了{vic}", "{who}将{vic}打伤",
        "{who}上前撕扯{vic}", "{who}朝{vic}脸上打了一拳",
    ),
    "repeat_across": (
        "此前已多次报警", "已向妇联求助过", "曾多次拨打12345反映", "已到信访办反映过多次",
        "此前派出所已出警调解过", "此前村委会调解未果",
    ),
}
YELLOW: dict[str, tuple[str, ...]] = {
    "heated": (
        "双方发生激烈争吵", "双方互相辱骂", "{who}到{vic}家门口叫骂", "双方情绪激动",
        "{who}堵门辱骂{vic}", "双方吵得很凶", "双方推搡了几下", "{who}对{vic}言语侮辱",
    ),
    "damage": (
        "{who}砸坏了{vic}家的窗户", "{who}把{vic}的车划了", "{who}砸了{vic}家的门",
        "{who}把{vic}的电动车推倒损坏", "{who}摔了{vic}的手机", "{who}踹坏了{vic}家的防盗门",
    ),
    "repeat_calls": (
        "已多次来电反映", "这是第三次反映该问题", "问题反复出现一直未解决", "多次协商无果",
        "之前反映过没有解决",
    ),
    "worry": ("担心矛盾激化", "怕事情闹大", "担心对方报复"),
}
NEGATIONS_MILD = (
    "双方没有动手", "无人员受伤", "{who}并未扬言报复", "未造成财物损坏", "未发生肢体冲突",
    "{who}没有过激行为",
)
NEGATIONS = (
    "双方没有动手", "未发生肢体冲突", "无人员受伤", "{vic}未受伤", "{who}并未扬言报复",
    "{who}没有威胁过{vic}", "没有打人", "双方均未受伤",
    "{who}并没有说要同归于尽之类的话", "{vic}称{who}只是嘴上说说，并没有动手", "现场未见持械",
    "{who}并未扬言要跳楼", "未造成财物损坏",
)
NEGATIONS_FAMILY = (*NEGATIONS, "不涉及家庭暴力", "{who}没有家暴行为", "{who}从未打过{vic}")
DAMAGE_RURAL = ("{who}推倒了{vic}家的院墙", "{who}拔了{vic}种的菜", "{who}剪断了{vic}家的电线",
                "{who}砍了{vic}家院外的树")
DENIALS = (
    "称自己并未动手", "否认打过对方", "称没有威胁过对方", "称对方是在诬陷", "称只是正常沟通",
)
DECOYS = {
    "消费": ("商家当初以“跳楼价”促销办卡", "购买的菜刀刀刃有质量问题", "店家说“亏死了也不退”"),
    "土地/宅基地": ("邻居喷洒农药飘到其承包地", "对方在地里打药"),
    "邻里": ("对方家的狗把鸡咬死了", "对方说“吵死了”"),
    "施工扰民": ("工地打桩声音吵死人", "施工方称“赶工期要命”"),
    "物业": ("电梯把人困了半小时，差点吓死", "物业说“爱找谁找谁”"),
}
