"""Export writers: each agency's header variants, date/phone/ID/name forms,
title rows, blank rows, totals rows, encodings and the usual noise.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

import openpyxl
from openpyxl.utils import get_column_letter

from people import CONFUSE, id15, id_check

FIXED_TS = dt.datetime(2025, 1, 1, 0, 0, 0)
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
FW = str.maketrans("0123456789()-:,", "０１２３４５６７８９（）－：，")
FW_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")

# ---------------------------------------------------------------- profiles
# Each profile: columns as (header, field); date style; default format.
PROFILES = {
    "police": {
        "A": dict(cols=[("序号", "seq"), ("警情编号", "ref"), ("报警时间", "time"), ("报警人", "name"), ("报警人电话", "phone"),
                        ("报警人身份证号", "idno"), ("发案地点", "addr"), ("警情类别", "category"), ("简要案情", "desc"),
                        ("处警结果", "dispo"), ("管辖单位", "unit"), ("内部流水号", "hidden")],
                  date="dt_cell", fmt="xlsx", title="{unit_title}警情导出（{period}）"),
        "B": dict(cols=[("接警编号", "ref"), ("接警时间", "time"), ("报警人姓名", "name"), ("联系电话", "phone"), ("身份证号", "idno"),
                        ("事发地址", "addr"), ("警情类型", "category"), ("报警内容", "desc"), ("处理结果", "dispo"),
                        ("所属派出所", "unit"), ("备注", "note")],
                  date="slash", fmt="xlsx", title="接处警记录明细"),
        "C": dict(cols=[("警情号", "ref"), ("报警时间", "time"), ("报警人", "name"), ("报警电话", "phone"), ("发生地点", "addr"),
                        ("警情类别", "category"), ("警情摘要", "desc"), ("处置情况", "dispo"), ("管辖单位", "unit"),
                        ("录入人", "clerk")],
                  date="cn_min", fmt="csv", enc="utf-8-sig", title=None),
        "D": dict(cols=[("警情编号", "ref"), ("接警时间", "time"), ("报警人", "name"), ("联系电话", "phone"), ("身份证号", "idno"),
                        ("发案地点", "addr"), ("警情类别", "category"), ("简要案情", "desc"), ("处警结果", "dispo"),
                        ("管辖单位", "unit")],
                  date="serial", fmt="xlsx", title="{unit_title}警情（{period}）"),
    },
    "hotline_12345": {
        "A": dict(cols=[("工单编号", "ref"), ("来电时间", "time"), ("来电人", "name"), ("来电号码", "phone"), ("事发地址", "addr"),
                        ("问题分类", "category"), ("诉求类型", "req_type"), ("诉求内容", "desc"), ("紧急程度", "urgency"),
                        ("承办单位", "handler"), ("办理时限", "deadline")],
                  date="iso", fmt="xlsx", title="12345市民服务热线工单明细（{period}）", catsep=">"),
        "B": dict(cols=[("序号", "seq"), ("工单号", "ref"), ("受理时间", "time"), ("诉求人", "name"), ("联系电话", "phone"),
                        ("诉求地址", "addr"), ("问题分类", "category"), ("诉求描述", "desc"), ("是否紧急", "urgent_yn"),
                        ("主办单位", "handler"), ("办结时限", "deadline")],
                  date="slash", fmt="xlsx", title="接诉即办工单台账", catsep="-"),
        "C": dict(cols=[("工单编号", "ref"), ("派单时间", "time"), ("来电人姓名", "name"), ("回访电话", "phone"), ("问题地址", "addr"),
                        ("诉求类型", "req_type"), ("来电内容", "desc"), ("紧急程度", "urgency"), ("承办单位", "handler"),
                        ("办理时限", "deadline")],
                  date="iso", fmt="csv", enc="utf-8", title=None, catsep=">"),
        "D": dict(cols=[("工单号", "ref"), ("来电时间", "time"), ("来电人", "name"), ("来电号码", "phone"), ("事发地址", "addr"),
                        ("问题分类", "category"), ("诉求内容", "desc"), ("紧急程度", "urgency"), ("承办单位", "handler"),
                        ("办理时限", "deadline")],
                  date="dt_cell", fmt="xlsx", title=None, catsep=">"),
    },
    "petition": {
        "A": dict(cols=[("信访件编号", "ref"), ("登记日期", "time"), ("信访人", "name"), ("身份证号码", "idno"), ("联系电话", "phone"),
                        ("住址", "home"), ("信访形式", "channel"), ("人数", "headcount"), ("反映问题", "desc"),
                        ("问题类别", "category"), ("是否重复信访", "repeat"), ("是否越级", "skip")],
                  date="mixed_date", fmt="csv", enc="gb18030", title="信访事项登记台账（{period}）"),
        "B": dict(cols=[("序号", "seq"), ("信访编号", "ref"), ("来访日期", "time"), ("信访人姓名", "name"), ("身份证号", "idno"),
                        ("电话", "phone"), ("现住址", "home"), ("问题发生地", "place"), ("信访形式", "channel"),
                        ("来访人数", "headcount"), ("主要诉求", "desc"), ("内容分类", "category"), ("重复信访", "repeat"),
                        ("越级", "skip"), ("办理情况", "status")],
                  date="date_cell", fmt="xlsx", title="信访登记表"),
        "C": dict(cols=[("登记编号", "ref"), ("信访日期", "time"), ("姓名", "name"), ("证件号码", "idno"), ("联系电话", "phone"),
                        ("问题发生地", "place"), ("信访形式", "channel"), ("人数", "headcount"), ("信访事项", "desc"),
                        ("问题类别", "category"), ("重复信访", "repeat"), ("越级", "skip")],
                  date="compact", fmt="csv", enc="utf-8", title=None),
    },
    "womens_federation": {
        "A": dict(cols=[("登记编号", "ref"), ("求助日期", "time"), ("求助人", "name"), ("性别", "sex"), ("年龄", "age"),
                        ("联系方式", "phone"), ("住址", "home"), ("求助类型", "category"), ("情况描述", "desc"),
                        ("是否涉及家暴", "dv"), ("转介单位", "referral"), ("处理情况", "dispo")],
                  date="mixed_date", fmt="xlsx", title="妇联求助登记表（{period}）", notes_sheet=True),
        "B": dict(cols=[("来电编号", "ref"), ("来电时间", "time"), ("姓名", "name"), ("性别", "sex"), ("年龄", "age"),
                        ("联系电话", "phone"), ("家庭住址", "home"), ("问题类型", "category"), ("求助内容", "desc"),
                        ("是否家暴", "dv"), ("转介情况", "referral"), ("办理结果", "dispo")],
                  date="cn_min", fmt="xlsx", title="12338妇女维权热线来电登记"),
        "C": dict(cols=[("求助编号", "ref"), ("登记时间", "time"), ("求助人姓名", "name"), ("性别", "sex"), ("年龄", "age"),
                        ("联系电话", "phone"), ("住址", "home"), ("求助类型", "category"), ("基本情况", "desc"),
                        ("是否家暴", "dv"), ("转介单位", "referral"), ("处理情况", "dispo")],
                  date="iso", fmt="csv", enc="utf-8-sig", title=None),
    },
}
SINGLE = {"police": ("派出所警情导出.xlsx", "A", "xlsx", None), "hotline_12345": ("12345工单.xlsx", "A", "xlsx", None),
          "petition": ("信访登记.csv", "A", "csv", "gb18030"), "womens_federation": ("妇联求助登记.xlsx", "A", "xlsx", None)}
# weekly: profile schedule (software versions change during the year)
SCHEDULE = {"police": [(0, "A"), (17, "D"), (30, "B"), (44, "C")], "hotline_12345": [(0, "A"), (22, "B"), (40, "D")],
            "petition": [(0, "A"), (20, "B"), (38, "C")], "womens_federation": [(0, "A"), (26, "C")]}
WEEK_NAMES = {"police": ["警情导出_{y}第{w}周", "派出所警情_{a}-{b}", "警情周报_{a}_{b}"],
              "hotline_12345": ["12345工单_{a}-{b}", "接诉即办工单_{y}W{w}", "工单明细{a}"],
              "petition": ["信访登记_{a}-{b}", "信访台账{y}年第{w}周", "信访周报_{a}"],
              "womens_federation": ["妇联求助登记_{a}-{b}", "求助登记{y}W{w}", "12338及来访登记_{a}"]}
UNIT = {"110114": "北京市公安局昌平分局北七家派出所", "110112": "北京市公安局通州分局台湖派出所",
        "110102": "北京市公安局西城分局广安门外派出所"}
UNIT_SHORT = {"110114": "北七家派出所", "110112": "台湖派出所", "110102": "广外派出所"}
SHEET_NAME = {"police": "警情", "hotline_12345": "工单", "petition": "信访登记", "womens_federation": "求助登记"}
CLERKS = ["张警官", "李辅警", "王某", "赵敏", "刘洋", "陈静", "系统导入", ""]


# ---------------------------------------------------------------- field formats
def fmt_time(t: dt.datetime, style: str, rng, xlsx: bool):
    if style == "mixed_date":
        style = rng.choice(["cn_date", "cn_date", "iso_date", "slash_date", "compact", "cn_min"] + (["date_cell", "serial"] if xlsx else []))
    if style == "dt_cell":
        return t if xlsx else t.strftime("%Y-%m-%d %H:%M:%S")
    if style == "date_cell":
        return t.date() if xlsx and rng.random() < 0.9 else f"{t.year}年{t.month}月{t.day}日"
    if style == "serial":
        v = round((t - EXCEL_EPOCH).total_seconds() / 86400, rng.choice([3, 5, 6]))
        return v if xlsx else f"{v}"
    if style == "iso":
        return t.strftime("%Y-%m-%d %H:%M:%S")
    if style == "iso_date":
        return t.strftime("%Y-%m-%d")
    if style == "slash":
        return f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}"
    if style == "slash_date":
        return f"{t.year}/{t.month}/{t.day}"
    if style == "cn_min":
        return f"{t.year}年{t.month}月{t.day}日 {t.hour}时{t.minute}分"
    if style == "cn_date":
        return f"{t.year}年{t.month}月{t.day}日"
    if style == "compact":
        return t.strftime("%Y%m%d")
    raise ValueError(style)


def mobile_form(m: str, rng) -> str:
    r = rng.random()
    if r < 0.72:
        return m
    if r < 0.82:
        return f"{m[:3]}-{m[3:7]}-{m[7:]}"
    if r < 0.9:
        return f"{m[:3]} {m[3:7]} {m[7:]}"
    if r < 0.95:
        return f"+86 {m[:3]} {m[3:7]} {m[7:]}"
    return f"86-{m}"


def land_form(l: str, rng) -> str:
    num = l.split("-")[1]
    return rng.choice([l, l, f"(010){num}", num, f"010{num}"])


def fmt_phone(p, rng, masked_file: bool, xlsx: bool):
    r = rng.random()
    if r < 0.025:
        return ""
    m = p.mobiles[0] if len(p.mobiles) == 1 or rng.random() < 0.7 else p.mobiles[-1]
    if masked_file or rng.random() < 0.03:
        return f"{m[:3]}****{m[7:]}"
    if p.landline and rng.random() < 0.08:
        return land_form(p.landline, rng)
    if rng.random() < 0.07:
        other = p.landline if p.landline else (p.mobiles[1] if len(p.mobiles) > 1 else None)
        if other:
            sep = rng.choice(["/", "、", "，", " ", ";"])
            o = land_form(other, rng) if other.startswith("010") else mobile_form(other, rng)
            return f"{mobile_form(m, rng)}{sep}{o}"
    s = mobile_form(m, rng)
    if rng.random() < 0.03:
        s = s.translate(FW_DIGITS)
    if xlsx and s == m and rng.random() < 0.25:
        return int(m)   # Excel stored the phone as a number
    return s


def fmt_id(p, rng, masked_file: bool, missing: float):
    if rng.random() < missing:
        return ""
    i = p.idno
    if masked_file or rng.random() < 0.05:
        return i[:6] + "********" + i[-4:]
    r = rng.random()
    if r < 0.05 and p.birth.year < 1982:
        return id15(i)
    if r < 0.07:   # a digit mistyped: check digit no longer valid
        pos = rng.randrange(6, 17)
        d = str((int(i[pos]) + rng.randint(1, 9)) % 10)
        j = i[:pos] + d + i[pos + 1:]
        if id_check(j[:17]) == j[17]:
            j = j[:17] + ("0" if j[17] != "0" else "1")
        return j
    if i.endswith("X") and rng.random() < 0.4:
        i = i[:-1] + "x"
    if rng.random() < 0.02:
        i = i.translate(FW_DIGITS)
    if rng.random() < 0.02:
        i = i[:6] + " " + i[6:14] + " " + i[14:]
    return i


def typo(name: str, rng) -> str:
    idx = [i for i, c in enumerate(name) if c in CONFUSE]
    if not idx:
        return name
    i = rng.choice(idx)
    return name[:i] + rng.choice(CONFUSE[name[i]]) + name[i + 1:]


def fmt_name(p, rng, src: str, masked_file: bool):
    if masked_file:
        return rng.choice([p.surname + "某某", p.surname + "某", p.surname + "**", p.surname + "*" * (len(p.name) - len(p.surname))])
    r = rng.random()
    title_p = {"police": 0.05, "hotline_12345": 0.32, "petition": 0.0, "womens_federation": 0.06}[src]
    if r < title_p:
        t = p.title if p.title and rng.random() < 0.5 else ("女士" if p.sex == "女" else "先生")
        if p.sex == "男" and rng.random() < 0.15:
            t = "师傅"
        if p.sex == "女" and p.birth.year < 1965 and rng.random() < 0.3:
            t = "阿姨"
        return p.surname + t
    r = rng.random()
    if r < 0.05:
        return typo(p.name, rng)
    if r < 0.08:
        return rng.choice([p.surname + "某", p.surname + "某某", p.surname + "**"])
    if r < 0.095:
        return p.surname            # gave only the surname
    if r < 0.11:
        return p.surname + " " + p.name[len(p.surname):]
    if r < 0.12 and src == "hotline_12345":
        return rng.choice(["匿名", "市民", "不愿透露"])
    if r < 0.125:
        return ""
    return p.name


def noisy_text(s: str, rng, p_fw=0.03, p_sp=0.04):
    if not s:
        return s
    if rng.random() < p_fw:
        s = s.translate(FW)
    if rng.random() < p_sp:
        s = rng.choice([" ", "  ", "\u3000"]) + s if rng.random() < 0.5 else s + rng.choice([" ", "  "])
    return s


def halfwidth_punct(s: str, rng) -> str:
    if rng.random() < 0.06:
        return s.replace("，", ",").replace("：", ":").replace("（", "(").replace("）", ")")
    return s


# ---------------------------------------------------------------- row building
def build_row(src, prof, rec, info, rng, masked_file, xlsx, seq):
    """Return list of cell values for one record."""
    p = info["person"]
    out = []
    for header, f in prof["cols"]:
        v = ""
        if f == "seq":
            v = seq
        elif f == "ref":
            v = rec.ref
            if rng.random() < 0.02:
                v = rng.choice([" ", ""]) + v + rng.choice([" ", "  "])
        elif f == "time":
            v = fmt_time(info["written_t"], prof["date"], rng, xlsx)
        elif f == "name":
            if info.get("names_cell"):
                v = info["names_cell"]
            else:
                v = fmt_name(p, rng, src, masked_file) if p else rng.choice(["", "匿名"])
            v = noisy_text(v, rng, 0, 0.03)
        elif f == "phone":
            v = fmt_phone(p, rng, masked_file, xlsx) if p else ""
        elif f == "idno":
            miss = {"police": 0.35, "petition": 0.12}.get(src, 0.5)
            v = fmt_id(p, rng, masked_file, miss) if p else ""
        elif f == "addr":
            v = noisy_text(info["incident_addr"], rng)
            if rng.random() < 0.02:
                v = ""
        elif f == "home":
            v = noisy_text(info["home_addr"], rng)
        elif f == "place":
            v = noisy_text(info["incident_addr"], rng)
        elif f == "category":
            v = info["category"]
            if src == "hotline_12345":
                v = v.replace(">", prof.get("catsep", ">"))
        elif f == "req_type":
            v = info.get("req_type", "")
        elif f == "desc":
            v = halfwidth_punct(info["description"], rng)
            v = noisy_text(v, rng, 0.01, 0.03)
        elif f == "dispo":
            v = info.get("disposition", "")
        elif f == "unit":
            u = info["unit"]
            v = UNIT[u] if rng.random() < 0.5 else UNIT_SHORT[u]
        elif f == "hidden":
            v = f"{rng.randrange(10**9, 10**10)}"
        elif f == "note":
            v = rng.choice(["", "", "", "", "已回访", "重复报警", "转司法所", "已调解"])
        elif f == "clerk":
            v = rng.choice(CLERKS)
        elif f == "urgency":
            v = rec.urgency
        elif f == "urgent_yn":
            v = "是" if rec.urgency != "一般" else "否"
        elif f == "handler":
            v = info.get("handler", "")
        elif f == "deadline":
            dl = info.get("deadline")
            v = fmt_time(dl, prof["date"] if prof["date"] != "serial" else "iso", rng, xlsx) if dl else ""
        elif f == "channel":
            v = rec.channel
        elif f == "headcount":
            v = rec.headcount
            if rng.random() < 0.1:
                v = f"{v}人"
            elif not xlsx or rng.random() < 0.3:
                v = str(v)
        elif f == "repeat":
            v = "是" if rec.repeat else "否"
        elif f == "skip":
            v = "是" if rec.skip_level else "否"
        elif f == "status":
            v = rng.choice(["已受理", "办理中", "已办结", "已转送", ""])
        elif f == "sex":
            v = p.sex if p and rng.random() < 0.96 else ""
        elif f == "age":
            if p and rng.random() < 0.92:
                a = p.age_at(rec.t.date())
                if rng.random() < 0.15:
                    a += rng.choice([-1, 1])
                v = a if (xlsx and rng.random() < 0.6) else (f"{a}岁" if rng.random() < 0.3 else str(a))
        elif f == "dv":
            v = "是" if rec.dv_flag else "否"
        elif f == "referral":
            v = info.get("referral", "")
        out.append(v)
    return out


# ---------------------------------------------------------------- files
def title_rows(prof, src, period, rng, ncols):
    rows = []
    if prof.get("title"):
        unit_title = rng.choice(["辖区", "北七家、台湖、广外", "各派出所", ""])
        rows.append([prof["title"].format(period=period, unit_title=unit_title)] + [None] * (ncols - 1))
        if rng.random() < 0.5:
            rows.append([f"导出时间：{period.split('至')[-1]}  导出人：{rng.choice(['管理员', '值班室', '综合办', 'admin'])}"] + [None] * (ncols - 1))
        if rng.random() < 0.4:
            rows.append([None] * ncols)
    return rows


def write_xlsx(path, headers, rows, prof, src, period, rng, hidden_cols=(), notes_sheet=False, big=False):
    wb = openpyxl.Workbook(write_only=True)
    wb.properties.created = FIXED_TS
    wb.properties.modified = FIXED_TS
    wb.properties.creator = "export"
    if notes_sheet:
        ns = wb.create_sheet("填表说明")
        ns.append(["填表说明"])
        ns.append(["1. 本表由镇妇联按周汇总，含来访及12338热线转办。"])
        ns.append(["2. 涉及个人隐私，请勿外传。"])
    ws = wb.create_sheet(rng.choice(["Sheet1", "数据", "导出数据", "明细", SHEET_NAME[src]]))
    ncols = len(headers)
    tr = title_rows(prof, src, period, rng, ncols)
    for c in hidden_cols:
        ws.column_dimensions[get_column_letter(c + 1)].hidden = True
    if tr:
        ws.merged_cells.add(f"A1:{get_column_letter(ncols)}1")
    for r in tr:
        ws.append(r)
    header_row = len(tr) + 1
    ws.append(headers)
    nblank = 0
    for row in rows:
        if rng.random() < 0.004:
            ws.append([None] * ncols)
            nblank += 1
        ws.append(row)
    if rows and rng.random() < 0.6:
        ws.append([None] * ncols)
    if rng.random() < 0.7:
        ws.append(["合计", f"共{len(rows)}条"] + [None] * (ncols - 2))
    if rng.random() < 0.3:
        ws.append([f"制表：{rng.choice(['综合办', '值班室', '信息科'])}"] + [None] * (ncols - 1))
    if rng.random() < 0.2 and not big:
        st = wb.create_sheet("统计")
        st.append(["类别", "数量"])
        st.append(["合计", len(rows)])
    wb.save(path)
    _normalize_zip(path)
    return header_row


def _normalize_zip(path):
    """Make the xlsx byte-identical for a seed: fixed timestamps."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            if name == "docProps/core.xml":
                data = re.sub(rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>",
                              rb"<dcterms:modified\1>2025-01-01T00:00:00Z</dcterms:modified>", data)
            zi = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)


def write_csv(path, headers, rows, prof, src, period, rng, enc):
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\r\n")
    ncols = len(headers)
    tr = title_rows(prof, src, period, rng, ncols) if rng.random() < 0.5 else []
    for r in tr:
        wr.writerow(["" if x is None else x for x in r])
    header_row = len(tr) + 1
    wr.writerow(headers)
    for row in rows:
        if rng.random() < 0.004:
            wr.writerow([""] * ncols)
        wr.writerow(["" if x is None else x for x in row])
    if rng.random() < 0.5:
        wr.writerow(["合计", f"{len(rows)}"] + [""] * (ncols - 2))
    data = buf.getvalue()
    with open(path, "wb") as f:
        f.write(data.encode(enc))
    return header_row
