"""People: names with realistic surname frequencies, 2- and 3-character names,
shared common names, GB 11643 ID numbers, phones, households and kin."""
from __future__ import annotations

import datetime as dt

from places import DISTRICT_LANDLINE, new_addr

# approximate surname frequencies (per 10,000), northern China flavoured
_SUR = """王750 李700 张680 刘560 赵330 陈300 杨300 孙200 马200 高180 黄150 周160 吴150 郭150 徐140
于140 韩130 宋120 田120 朱110 胡110 董110 梁100 崔100 曹100 何90 郑90 冯90 杜90 魏90 任80 姜80 孟80
贾80 许80 吕70 丁70 石70 白70 武70 闫70 谢70 唐70 林60 罗60 肖60 程60 苏60 范60 金60 郝60 侯60 卢60
付60 袁60 常60 牛50 邓50 彭50 潘50 姚50 秦50 薛50 安50 齐50 史50 曾40 蒋40 蔡40 方40 尹40 段40 贺40
邵40 孔40 康40 樊40 邢40 乔40 沈40 耿30 关30 焦30 申30 尚30 纪30 毕30 霍30 苗30 谷30 曲30 路30 靳30
佟30 鲁30 岳30 翟30 聂30 庞30 葛30 温30 戴30 毛30 陶30 雷30 夏30 江30 邱30 谭30 陆30 汪30 余30 叶30
万30 庄20 章20 倪20 颜20 殷20 左20 祝20 包20 宁20 单20 季20 裴20 成20 辛20 管20 柴20 祁20 房20 滕20
屈20 解20 时20 穆20 司20 窦20 景20 宫20 边20 栾20 苑20 迟20 钱20 严20 汤20 文20 顾20 龚20 邹20 廖20
钟20 欧阳8 诸葛2 司马3 上官2 蔺10 鄂5 那8 赫5 富5 松3"""
SURNAMES, SUR_W = [], []
for tok in _SUR.split():
    i = 0
    while not tok[i].isdigit():
        i += 1
    SURNAMES.append(tok[:i])
    SUR_W.append(int(tok[i:]))
_SUR_CUM = []
_acc = 0
for w in SUR_W:
    _acc += w
    _SUR_CUM.append(_acc)

G = {
    ("M", 0): "建国 建军 国强 国华 志强 德明 福来 长林 永刚 文斌 振华 保国 宝山 玉林 庆丰 树林 宝华 金山 长顺 德福 广林 连生 树森 瑞林 福海 凤山 玉祥 占山 宝财 永贵 海 山 林 军 明 刚 福 贵 荣 忠 "
               "德 成 文 武 勇 顺 旺 和平 立新 卫国",
    ("F", 0): "秀英 桂英 秀兰 玉兰 桂兰 淑珍 淑兰 凤英 秀珍 玉珍 玉梅 秀云 桂芳 凤兰 素芬 丽华 金凤 翠兰 淑华 秀芝 桂珍 玉芬 淑英 桂荣 玉英 凤琴 素英 秀荣 玉芳 淑芬 "
               "兰 英 珍 芬 霞 凤 琴 华 荣 梅",
    ("M", 1): "伟 强 磊 军 勇 杰 涛 斌 超 鹏 辉 华 明 刚 波 健 浩 亮 峰 鑫 海涛 建华 晓东 志刚 海峰 志勇 立新 卫东 晓明 小明 建伟 永强 国庆 大伟 春生 德胜 宏伟 鹏飞 "
               "建平 志华 海军 晓光 振宇 海龙 永生 红军 立军 宝龙 东升 文杰 俊峰 建新 洪涛 学军 立强 庆华 春雷 晓峰 志国 金龙 雪松 宏亮",
    ("F", 1): "芳 丽 静 敏 燕 娟 霞 艳 玲 红 梅 莉 娜 丹 萍 颖 晶 洁 慧 琳 晓燕 丽娜 海燕 红梅 晓丽 秀梅 春燕 丽丽 婷婷 晓红 雪梅 俊英 彩霞 美玲 丽华 小燕 晓静 "
               "春梅 秋菊 淑敏 翠萍 红霞 丽萍 玉洁 晓琳 冬梅 亚楠 金玲 艳红 晓娟 小丽 丽君 文静 海霞 晓敏 晓宁 雅丽",
    ("M", 2): "浩然 子轩 宇航 浩宇 俊杰 文博 天宇 家豪 思远 明轩 博文 一鸣 子豪 嘉诚 雨泽 宇轩 梓豪 皓轩 泽宇 晨阳 浩楠 鑫磊 志远 俊熙 昊天 博涵 子健 家乐 "
               "鑫 磊 宇 帅 晨 阳 旭 昊 博 凯 超 越 航 琦 森",
    ("F", 2): "欣怡 梓涵 雨萱 思雨 佳怡 诗涵 可欣 雨桐 婉清 梦琪 晓雪 佳琪 欣然 雨欣 子涵 紫涵 一诺 若曦 思琪 佳慧 梦瑶 晓萌 雅琪 诗雨 心怡 靖雯 梓萱 "
               "雪 婷 悦 颖 洁 琳 倩 璐 蕾 楠 璇 瑶 萌 爽",
}
GIVEN = {k: v.split() for k, v in G.items()}
# characters that compose given names (first, second) per sex, for names not in the lists above
COMPOSE = {
    "M": ("建国志海永俊文明立晓春德宏子浩宇嘉鹏家天博思振玉长金瑞兴成卫新庆学光洪伟少云家", "军强华伟平林峰涛杰勇明刚龙辉飞宇轩然泽阳博豪远东生成亮斌波超鹏磊鑫凯"),
    "F": ("秀丽晓春海美雪佳欣雨梦思诗婉雅静慧玉红金艳凤月彩爱淑桂素翠文小心", "英兰芳梅华娟霞燕红丽婷玲静敏颖琳萱怡涵琪瑶雯洁倩珍琴云萍莉娜蕾"),
}
COMMON_NAMES = {
    "M": "张伟 王伟 李伟 刘伟 王磊 李强 张磊 王军 李军 刘洋 王强 张勇 李杰 王刚 张军 刘军 王建国 李建国 张建军 王海 王鹏 李明 王涛 张杰 刘强 赵伟 张建华 王志强".split(),
    "F": "王芳 李娜 张敏 李静 王静 张丽 王丽 李秀英 王秀英 张秀英 刘芳 李敏 王燕 张静 李丽 刘丽 王霞 张燕 李霞 王秀兰 张桂英 王桂兰 李红 王娟 刘敏 张艳".split(),
}

# hukou area codes: Beijing natives (old county codes before the districts were created) and migrants
NATIVE = {"110114": ["110221", "110114"], "110112": ["110224", "110112"], "110102": ["110102", "110102"]}
BEIJING_OTHER = ["110105", "110108", "110106", "110101", "110111", "110115"]
MIGRANT = ["130181", "130429", "130682", "131082", "130925", "130723", "131002", "130634", "410184", "411321",
           "412726", "410522", "411424", "370829", "371323", "370481", "371425", "140221", "140427", "230227",
           "230103", "341221", "342623", "341281", "511025", "510922", "150421", "150202", "421083", "320882",
           "210882", "220283", "620523", "120221", "120223", "610481", "130732", "131126"]
MIGRANT_SHARE = {"110114": 0.5, "110112": 0.35, "110102": 0.25}

MOBILE = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156",
          "157", "158", "159", "166", "173", "176", "177", "178", "180", "181", "182", "183", "185", "186",
          "187", "188", "189", "191", "198", "199", "135", "138", "139", "186", "137", "188"]

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CK = "10X98765432"


def id_check(s17: str) -> str:
    return CK[sum(int(c) * w for c, w in zip(s17, W)) % 11]


def make_id(area: str, birth: dt.date, seq: int) -> str:
    s17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return s17 + id_check(s17)


class Person:
    __slots__ = ("pid", "name", "sex", "birth", "idno", "phones", "hh", "kin", "habit", "native", "landline",
                 "n_disputes")

    def __init__(self, pid, name, sex, birth, idno, phones, hh):
        self.pid, self.name, self.sex, self.birth, self.idno, self.phones, self.hh = pid, name, sex, birth, idno, phones, hh
        self.kin = {}
        self.habit = None
        self.native = None
        self.landline = None
        self.n_disputes = 0

    def age(self, on: dt.date) -> int:
        return on.year - self.birth.year - ((on.month, on.day) < (self.birth.month, self.birth.day))

    @property
    def surname(self):
        return self.name[:2] if self.name[:2] in ("欧阳", "诸葛", "司马", "上官") else self.name[0]


class Household:
    __slots__ = ("hid", "addr", "members", "landline")

    def __init__(self, hid, addr):
        self.hid, self.addr, self.members, self.landline = hid, addr, [], None


class People:
    def __init__(self, rng, places, ref_date: dt.date):
        self.rng = rng
        self.places = places
        self.ref = ref_date
        self.persons: list[Person] = []
        self.households: list[Household] = []
        self._seq = {}
        self.by_building = {}  # building key -> households
        for u in places.units:
            if u.is_village:
                u.surnames = self._pick_surnames(2)

    # names ------------------------------------------------------------------
    def _pick_surnames(self, k):
        out = []
        while len(out) < k:
            s = self.surname()
            if s not in out:
                out.append(s)
        return out

    def surname(self):
        r = self.rng.random() * _SUR_CUM[-1]
        lo, hi = 0, len(_SUR_CUM) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if _SUR_CUM[mid] < r:
                lo = mid + 1
            else:
                hi = mid
        return SURNAMES[lo]

    def name(self, sex, birth_year, surname=None, unit=None):
        rng = self.rng
        if surname is None:
            if rng.random() < 0.015:
                return rng.choice(COMMON_NAMES[sex])
            if unit is not None and unit.surnames and rng.random() < 0.3:
                surname = rng.choice(unit.surnames)
            else:
                surname = self.surname()
        coh = 0 if birth_year < 1962 else (1 if birth_year < 1990 else 2)
        pool = GIVEN[(sex, coh)]
        if rng.random() < 0.45:
            c1, c2 = COMPOSE[sex]
            g = rng.choice(c1) + rng.choice(c2)
            if g[0] == g[1]:
                g = g[0]
            return surname + g
        g = rng.choice(pool)
        # 3-character names dominate; single-character given names are common for the middle cohort
        if len(g) == 1 and rng.random() < (0.35 if coh == 1 else 0.25):
            g2 = rng.choice(pool)
            g = g + g2[-1] if g2[-1] != g else g
        return surname + g

    # ids, phones -------------------------------------------------------------
    def id_for(self, birth, sex, area):
        key = (area, birth)
        n = self._seq.get(key)
        if n is None:
            n = self.rng.randint(0, 400)
        n += 1
        self._seq[key] = n
        seq = n * 2 + (1 if sex == "M" else 0)
        seq = seq % 1000
        if (seq % 2 == 1) != (sex == "M"):
            seq = (seq + 1) % 1000
        return make_id(area, birth, seq)

    def mobile(self):
        r = self.rng
        return r.choice(MOBILE) + f"{r.randint(0, 99999999):08d}"

    def landline(self, dcode):
        r = self.rng
        return r.choice(DISTRICT_LANDLINE.get(dcode, ["6"])) + f"{r.randint(0, 9999):04d}"

    # persons -----------------------------------------------------------------
    def new_person(self, sex, age, hh=None, surname=None, unit=None, native=None, name=None):
        rng = self.rng
        by = self.ref.year - age
        birth = dt.date(by, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
        if unit is None and hh is not None:
            unit = hh.addr.unit
        if native is None:
            dc = unit.district_code if unit is not None else "110114"
            if rng.random() < MIGRANT_SHARE.get(dc, 0.4):
                native = rng.choice(MIGRANT)
            elif rng.random() < 0.12:
                native = rng.choice(BEIJING_OTHER)
            else:
                old, new = NATIVE.get(dc, ("110114", "110114"))
                native = old if by < 1997 else new
        idno = self.id_for(birth, sex, native)
        if name is None:
            name = self.name(sex, by, surname, unit)
        phones = [self.mobile()]
        if rng.random() < 0.12:
            phones.append(self.mobile())
        p = Person(f"P{len(self.persons) + 1:07d}", name, sex, birth, idno, phones, hh)
        p.native = native
        if age < 16:
            p.phones = []
        elif age > 68 and rng.random() < 0.4:
            p.phones = []  # old people give the home landline
        if hh is not None:
            hh.members.append(p)
            if age > 55 and hh.landline is None and rng.random() < 0.5:
                hh.landline = self.landline(hh.addr.unit.district_code)
            p.landline = hh.landline
        p.habit = (rng.randint(0, 9), rng.random(), rng.random())
        self.persons.append(p)
        return p

    def new_household(self, unit=None, addr=None, village_only=False, community_only=False, town=None):
        rng = self.rng
        if addr is None:
            if unit is None:
                unit = self.places.pick_unit(rng, village_only=village_only, community_only=community_only, town=town)
            addr = new_addr(rng, unit)
        h = Household(f"H{len(self.households) + 1:07d}", addr)
        self.households.append(h)
        self.by_building.setdefault(addr.building_key(), []).append(h)
        return h

    # kin -----------------------------------------------------------------------
    def spouse(self, p, on):
        s = p.kin.get("spouse")
        if s is None:
            age = p.age(on)
            sa = max(20, age + (self.rng.randint(-3, 8) if p.sex == "F" else self.rng.randint(-8, 3)))
            s = self.new_person("M" if p.sex == "F" else "F", sa, p.hh)
            p.kin["spouse"] = s
            s.kin["spouse"] = p
        return s

    def parent(self, p, sex, on, same_house_p=0.3):
        key = "father" if sex == "M" else "mother"
        q = p.kin.get(key)
        if q is None:
            rng = self.rng
            age = min(95, p.age(on) + rng.randint(22, 34))
            if p.hh is not None and rng.random() < same_house_p:
                hh = p.hh
            else:
                unit = p.hh.addr.unit if p.hh is not None and rng.random() < 0.55 else None
                hh = self.new_household(unit=unit)
            sur = p.surname if sex == "M" else None
            q = self.new_person(sex, age, hh, surname=sur)
            p.kin[key] = q
            other = p.kin.get("father" if sex == "F" else "mother")
            if other is not None and "spouse" not in q.kin and "spouse" not in other.kin:
                q.kin["spouse"] = other
                other.kin["spouse"] = q
            q.kin.setdefault("children", []).append(p)
            for sib in p.kin.get("siblings", []):
                sib.kin.setdefault(key, q)
        return q

    def sibling(self, p, on, sex=None, new=False):
        sibs = p.kin.setdefault("siblings", [])
        if sibs and not new:
            return self.rng.choice(sibs)
        rng = self.rng
        sex = sex or rng.choice("MF")
        age = max(18, p.age(on) + rng.randint(-9, 9))
        if p.hh is not None and rng.random() < 0.5:
            hh = self.new_household(unit=p.hh.addr.unit)
        else:
            hh = self.new_household()
        s = self.new_person(sex, age, hh, surname=p.surname)
        for k in ("father", "mother"):
            if k in p.kin:
                s.kin[k] = p.kin[k]
        for o in sibs:
            o.kin.setdefault("siblings", []).append(s)
            s.kin.setdefault("siblings", []).append(o)
        sibs.append(s)
        s.kin.setdefault("siblings", []).append(p)
        return s

    def child(self, p, on, adult=True):
        kids = p.kin.setdefault("children", [])
        for k in kids:
            if (k.age(on) >= 18) == adult:
                return k
        rng = self.rng
        pa = p.age(on)
        age = rng.randint(18, max(18, pa - 22)) if adult else rng.randint(1, 15)
        sp = p.kin.get("spouse")
        father = p if p.sex == "M" else sp
        sur = father.surname if father is not None else p.surname
        hh = p.hh if (not adult or rng.random() < 0.4) else self.new_household(unit=p.hh.addr.unit if p.hh else None)
        c = self.new_person(rng.choice("MF"), age, hh, surname=sur)
        kids.append(c)
        c.kin["father" if p.sex == "M" else "mother"] = p
        if sp is not None:
            sp.kin.setdefault("children", []).append(c)
            c.kin["father" if sp.sex == "M" else "mother"] = sp
        return c

    def couple(self, on, age=None, unit=None, town=None, village_only=False):
        """a married couple in a household (husband, wife, household)"""
        rng = self.rng
        hh = self.new_household(unit=unit, town=town, village_only=village_only)
        if age is None:
            age = int(min(80, max(22, rng.gauss(40, 11))))
        h = self.new_person("M", age, hh)
        w = self.new_person("F", max(20, age + rng.randint(-8, 3)), hh)
        h.kin["spouse"] = w
        w.kin["spouse"] = h
        return h, w, hh
