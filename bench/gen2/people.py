"""People: names, ID numbers (GB 11643), phones, households.

Everything here is this generator's own invention; nothing is taken from the
project.  All randomness goes through the `random.Random` passed in, so the
output is a pure function of the seed.
"""
from __future__ import annotations

import bisect
import datetime as dt
import itertools
from dataclasses import dataclass, field

# --------------------------------------------------------------------------
# Surnames with rough relative frequencies (per mille, national, nudged for
# north China).  Compound surnames are rare on purpose.
_SURNAMES = """
王 66 李 62 张 60 刘 48 陈 38 杨 30 赵 26 黄 16 周 14 吴 13 徐 12 孙 14 马 14 朱 10
胡 9 郭 11 何 7 林 6 罗 5 高 10 郑 6 梁 6 谢 5 宋 6 唐 5 许 5 韩 7 冯 5 邓 4
曹 5 彭 4 曾 3 肖 4 田 6 董 6 袁 3 潘 3 于 6 蒋 3 蔡 3 余 3 杜 4 叶 3 程 3
苏 3 魏 4 吕 4 丁 3 任 4 沈 2 姚 3 卢 3 姜 4 崔 4 钟 2 谭 2 陆 2 汪 2 范 3
金 3 石 3 廖 2 贾 4 夏 2 韦 1 付 3 方 2 白 3 邹 2 孟 3 熊 2 秦 2 邱 2 江 2
尹 2 薛 2 闫 3 段 2 雷 2 侯 3 龙 1 史 2 陶 1 黎 1 贺 2 顾 1 毛 2 郝 3 龚 1
邵 1 万 1 钱 1 严 1 武 2 戴 1 莫 1 孔 1 向 1 汤 1 鲁 1 常 2 温 1 康 2 施 1
文 1 牛 2 樊 1 葛 1 邢 2 安 2 齐 2 易 1 乔 2 伍 1 庞 1 颜 1 倪 1 庄 1 聂 1
章 1 鲍 1 岳 1 路 1 耿 2 靳 1 祁 1 甄 1 欧阳 0.3 司马 0.1 上官 0.1 诸葛 0.1
符 0.6 谷 0.6 柴 0.6 单 0.6 殷 0.6 俞 0.6 纪 0.6 童 0.6 洪 0.6 卜 0.6 蒲 0.6 焦 0.6 辛 0.6 管 0.6 巩 0.6 詹 0.6 左 0.6 涂 0.6 申 0.6 尚 0.6 池 0.6 房 0.6 裴 0.6 冉 0.6 滕 0.6 褚 0.6 穆 0.6 霍 0.6 邬 0.6 柏 0.6 宁 0.6 仇 0.6 栾 0.6 暴 0.6 甘 0.6 厉 0.6 戚 0.6 苗 0.6 凌 0.6 舒 0.6 阮 0.6 卓 0.6 蔺 0.6 解 0.6 娄 0.6 晏 0.6 芦 0.6 隋 0.6 兰 0.6 仲 0.6 伊 0.6 宫 0.6 宿 0.6 应 0.6 郎 0.6 边 0.6 艾 0.6 谈 0.6 闻 0.6
"""
_toks = _SURNAMES.split()
SURNAMES = _toks[0::2]
SURNAME_W = [float(x) for x in _toks[1::2]]
SURNAME_CUM = list(itertools.accumulate(SURNAME_W))

# Popular whole given names by generation; drawing from these gives the
# repeated common names of a real district (王伟, 张丽, 李秀英 ...).
POPULAR = {
    ("男", 0): "建国 建军 国庆 国华 振华 德明 志强 卫东 宝山 长海 富贵 永利 德胜 玉林 春生 国栋 建华 福林 保国 树林 凤山 连生 文明 庆华 伟 强 军 刚 明 勇 平 林 华 海",
    ("女", 0): "秀英 桂英 秀兰 玉兰 桂兰 淑珍 凤英 玉珍 淑兰 秀珍 桂芝 玉梅 凤兰 玉芬 秀云 桂荣 淑英 秀华 凤琴 素芬 兰 英 珍 芳 华 霞 梅 琴",
    ("男", 1): "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 海涛 志刚 建伟 晓东 立新 海军 永强 红军 晓明 建平 志勇 东 亮 健 宁 波 浩 鑫 晓峰 俊 小龙",
    ("女", 1): "丽 静 敏 燕 艳 娟 霞 芳 红 丽娟 海燕 晓燕 春梅 丽娜 雪梅 亚楠 晓丽 秀梅 婷 丹 颖 莉 娜 玲 琳 萍 洁 晶 小红 晓红 慧 倩 红梅 彩霞",
    ("男", 2): "浩 宇 浩然 子轩 宇航 俊杰 博文 子豪 昊天 鑫 帅 晨阳 天宇 一鸣 泽宇 磊 杰 鹏 凯 旭 阳 硕 博 浩宇 嘉豪 明轩 佳豪",
    ("女", 2): "欣怡 梓涵 雨涵 诗涵 佳怡 思彤 婷婷 雪 悦 琳 晨 颖 倩 佳琪 梦瑶 一诺 静怡 雨欣 萌 璐 月 丹丹 晓雪 文静 欣然 佳欣 蕊",
}
POPULAR = {k: v.split() for k, v in POPULAR.items()}

FIRST_M = "志 建 国 晓 海 文 永 立 振 德 明 俊 宏 家 子 伟 金 长 春 广 新 玉 世 天 学 小 小 东 卫 红 庆 士 兆 连 宝 云 保 浩 宇 嘉 泽 博 一".split()
SECOND_M = "强 明 军 伟 华 平 东 刚 勇 林 峰 涛 杰 斌 亮 龙 鹏 辉 成 波 超 磊 飞 良 生 山 军 利 彬 祥 胜 福 江 海 宁 森 航 轩 然 宇 阳 涛 鑫 凯 铭".split()
FIRST_F = "秀 桂 玉 淑 凤 丽 晓 春 海 雪 红 美 金 月 彩 小 亚 翠 静 慧 佳 欣 雨 思 梦 子 诗 婉 晨 艳 素 兰 冬 晶 文 雅 一".split()
SECOND_F = "英 兰 珍 芳 华 梅 霞 燕 红 琴 云 莲 娟 丽 敏 玲 萍 娜 婷 静 颖 洁 琳 倩 涵 怡 彤 悦 瑶 雯 岚 丹 荣 芬 菊 杰 蕊 璐".split()

# Look-alike / homophone substitutions a clerk makes when writing a name he
# only heard (n/l, -n/-ng, z/zh, c/ch, s/sh, h/f and the usual 晓/小 ...).
CONFUSE = {
    "晓": "小筱", "小": "晓", "丽": "莉俐立", "莉": "丽", "明": "鸣铭敏", "铭": "明", "玲": "琳林凌", "琳": "玲林",
    "林": "琳凌霖", "静": "晶菁婧敬", "晶": "静京", "刚": "钢纲", "红": "宏虹鸿", "宏": "红鸿", "伟": "玮炜卫", "军": "君均",
    "英": "瑛莹鹰", "芳": "方仿", "华": "桦花", "兰": "岚蓝南", "南": "兰楠", "娜": "纳那", "宁": "玲凝", "楠": "兰男",
    "志": "智致", "珍": "真贞", "张": "章", "章": "张", "王": "汪黄", "汪": "王", "黄": "王皇", "李": "黎", "刘": "柳牛",
    "牛": "刘", "陈": "程晨", "程": "陈成", "曾": "郑增", "郑": "曾", "周": "邹", "邹": "周", "赵": "照", "吴": "武伍",
    "徐": "许", "许": "徐", "杨": "阳扬", "朱": "祝诸", "胡": "湖", "萍": "平苹", "平": "萍", "燕": "艳雁", "艳": "燕",
    "云": "芸", "斌": "彬滨", "杰": "洁捷", "婷": "亭庭", "倩": "茜", "磊": "雷", "鹏": "朋", "辉": "晖慧", "峰": "锋丰",
    "建": "健剑", "霞": "侠", "梅": "玫媚", "娟": "鹃涓", "颖": "影", "涛": "滔", "浩": "皓", "宇": "雨羽", "鑫": "新欣",
    "慧": "惠蕙", "敏": "闵民", "玉": "钰", "凤": "风", "桂": "贵", "秀": "琇", "淑": "书", "春": "纯", "海": "凯",
    "国": "郭", "德": "得", "永": "勇", "勇": "永涌", "强": "墙", "亮": "良", "良": "亮", "军": "君", "东": "冬",
    "冬": "东", "琴": "勤芹", "芬": "分", "荣": "容蓉", "佳": "家嘉", "家": "佳", "子": "紫梓", "涵": "含晗", "怡": "宜",
    "彤": "桐", "瑶": "遥", "雪": "学", "思": "丝", "沈": "审", "孙": "荪", "宋": "松", "常": "长", "申": "深",
}

# Region codes for ID numbers.  Local ones include the pre-1990s county codes
# (昌平县 110221, 通县 110223) that old residents still carry.
LOCAL_CODES = {
    "110114": ["110114", "110114", "110114", "110221", "110221"],
    "110112": ["110112", "110112", "110112", "110223", "110223"],
    "110102": ["110102", "110102", "110102", "110104", "110104"],
}
OTHER_BJ = ["110105", "110108", "110106", "110101", "110115", "110113", "110111", "110109"]
OUTSIDE = ("130102 130104 130181 130203 130281 130302 130402 130602 130682 130702 130802 130902 131002 131082 "
           "131102 131121 370102 370202 371302 372901 410102 410322 411602 411302 412702 341202 340104 342201 "
           "230102 220102 210102 140105 150102 120101 610102 510104 500101 420102 430102 360102 320102 330106 "
           "350102 440103 450102 620102").split()

MOBILE_PREFIX = ("130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 180 181 182 183 184 "
                 "185 186 187 188 189 176 177 178 166 198 199 147 173 175 191").split()

_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"


def id_check(first17: str) -> str:
    s = sum(int(c) * w for c, w in zip(first17, _W))
    return _CHECK[s % 11]


def make_id(region: str, birth: dt.date, male: bool, rng) -> str:
    seq = rng.randrange(0, 100)
    sex_digit = rng.choice("13579" if male else "02468")
    first17 = f"{region}{birth:%Y%m%d}{seq:02d}{sex_digit}"
    return first17 + id_check(first17)


def id15(id18: str) -> str:
    """Old 15-digit form of an 18-digit number (2-digit year, no check digit)."""
    return id18[:6] + id18[8:17]


@dataclass
class Person:
    pid: str
    name: str
    surname: str
    sex: str
    birth: dt.date
    idno: str
    mobiles: list
    hid: str | None = None
    landline: str | None = None
    title: str = ""          # 老师 / 师傅 ... sometimes used by agencies

    def age_at(self, d: dt.date) -> int:
        a = d.year - self.birth.year
        if (d.month, d.day) < (self.birth.month, self.birth.day):
            a -= 1
        return a


@dataclass
class Household:
    hid: str
    place: object            # places.Place
    addr: dict               # detail parts (street/no or building/unit/room)
    members: list = field(default_factory=list)
    landline: str | None = None


class Population:
    def __init__(self, rng, ref_date: dt.date):
        self.rng = rng
        self.ref = ref_date
        self.persons: list[Person] = []
        self.households: list[Household] = []
        self._used_mobiles = set()

    # ---- names -----------------------------------------------------------
    def surname(self) -> str:
        r = self.rng.random() * SURNAME_CUM[-1]
        return SURNAMES[bisect.bisect_right(SURNAME_CUM, r)]

    def given(self, sex: str, birth_year: int) -> str:
        rng = self.rng
        gen = 0 if birth_year < 1966 else (1 if birth_year < 1992 else 2)
        if rng.random() < 0.25:
            return rng.choice(POPULAR[(sex, gen)])
        single = rng.random() < (0.22, 0.15, 0.1)[gen]
        if sex == "男":
            a, b = rng.choice(FIRST_M), rng.choice(SECOND_M)
        else:
            a, b = rng.choice(FIRST_F), rng.choice(SECOND_F)
        if single:
            return b
        if a == b:
            return a + b if rng.random() < 0.5 else a + rng.choice(SECOND_F if sex == "女" else SECOND_M)
        return a + b

    # ---- phones ----------------------------------------------------------
    def mobile(self) -> str:
        while True:
            m = self.rng.choice(MOBILE_PREFIX) + f"{self.rng.randrange(0, 10**8):08d}"
            if m not in self._used_mobiles:
                self._used_mobiles.add(m)
                return m

    def landline(self) -> str:
        return "010-" + self.rng.choice("68") + f"{self.rng.randrange(0, 10**7):07d}"

    # ---- persons ---------------------------------------------------------
    def new_person(self, sex: str | None = None, age: tuple = (22, 70), surname: str | None = None,
                   district: str = "110114", local: float = 0.55, hh: Household | None = None) -> Person:
        rng = self.rng
        if sex is None:
            sex = rng.choice("男女")
        a = rng.randint(*age)
        year = self.ref.year - a
        birth = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(0, 365))
        sn = surname or self.surname()
        name = sn + self.given(sex, year)
        r = rng.random()
        if r < local:
            region = rng.choice(LOCAL_CODES.get(district, [district]))
        elif r < local + 0.08:
            region = rng.choice(OTHER_BJ)
        else:
            region = rng.choice(OUTSIDE)
        p = Person(pid=f"P{len(self.persons) + 1:07d}", name=name, surname=sn, sex=sex, birth=birth,
                   idno=make_id(region, birth, sex == "男", rng), mobiles=[self.mobile()])
        if rng.random() < 0.12:
            p.mobiles.append(self.mobile())
        if rng.random() < 0.03:
            p.title = rng.choice(["老师", "师傅", "大夫", "经理"])
        self.persons.append(p)
        if hh is not None:
            self.join(p, hh)
        return p

    def join(self, p: Person, hh: Household):
        p.hid = hh.hid
        hh.members.append(p.pid)
        if hh.landline and p.landline is None and self.rng.random() < 0.6:
            p.landline = hh.landline

    def new_household(self, place, addr: dict) -> Household:
        h = Household(hid=f"H{len(self.households) + 1:07d}", place=place, addr=addr)
        if self.rng.random() < (0.35 if place.is_village else 0.15):
            h.landline = self.landline()
        self.households.append(h)
        return h

    def get(self, pid: str) -> Person:
        return self.persons[int(pid[1:]) - 1]

    def hh(self, hid: str) -> Household:
        return self.households[int(hid[1:]) - 1]

    # ---- families --------------------------------------------------------
    def couple(self, hh: Household, district: str, age=(24, 68)) -> tuple[Person, Person]:
        rng = self.rng
        h = self.new_person("男", age, district=district, hh=hh)
        wa = max(20, h.age_at(self.ref) + rng.randint(-6, 3))
        w = self.new_person("女", (wa, wa), district=district, local=0.5, hh=hh)
        return h, w

    def parent_of(self, child: Person, sex: str, district: str, hh: Household | None = None,
                  same_surname: bool | None = None) -> Person:
        ca = child.age_at(self.ref)
        a = min(92, ca + self.rng.randint(21, 33))
        if same_surname is None:
            same_surname = sex == "男"
        return self.new_person(sex, (a, a), surname=child.surname if same_surname else None, district=district, hh=hh)

    def child_of(self, parent: Person, district: str, sex: str | None = None, min_age: int = 18,
                 hh: Household | None = None) -> Person:
        pa = parent.age_at(self.ref)
        hi = max(min_age, pa - 21)
        lo = max(min_age, pa - 35)
        if lo > hi:
            lo = hi
        sn = parent.surname if parent.sex == "男" or self.rng.random() < 0.1 else None
        return self.new_person(sex, (lo, hi), surname=sn, district=district, hh=hh)
