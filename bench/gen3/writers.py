"""Export files the way each agency's software (and each office) writes them."""
from __future__ import annotations

import csv
import datetime as dt
import io

from places import FW
from xlsxw import DateCell, Title, excel_serial, write_xlsx

COLS = {
    "police": [("ref", ["警情编号", "接警编号", "警情号"]), ("t", ["报警时间", "接警时间"]), ("name", ["报警人", "报警人姓名"]),
               ("phone", ["报警人电话", "联系电话", "报警电话"]), ("id", ["报警人身份证号", "身份证号"]),
               ("addr", ["发案地点", "事发地址", "发生地点"]), ("cat", ["警情类别", "警情类型"]), ("desc", ["简要案情", "报警内容", "警情摘要"]),
               ("disp", ["处警结果", "处理结果", "处置情况"]), ("unit", ["管辖单位", "所属派出所"])],
    "hotline_12345": [("ref", ["工单编号", "工单号"]), ("t", ["来电时间", "受理时间", "派单时间"]), ("name", ["来电人", "诉求人", "来电人姓名"]),
                      ("phone", ["来电号码", "联系电话", "回访电话"]), ("addr", ["事发地址", "诉求地址", "问题地址"]),
                      ("cat", ["问题分类"]), ("atype", ["诉求类型"]), ("desc", ["诉求内容", "诉求描述", "来电内容"]),
                      ("urg", ["紧急程度", "是否紧急"]), ("handler", ["承办单位", "主办单位"]), ("deadline", ["办理时限", "办结时限"])],
    "petition": [("ref", ["信访件编号", "信访编号", "登记编号"]), ("t", ["登记日期", "来访日期", "信访日期"]), ("name", ["信访人", "信访人姓名", "姓名"]),
                 ("id", ["身份证号码", "身份证号", "证件号码"]), ("phone", ["联系电话", "电话"]), ("addr", ["住址", "现住址", "问题发生地"]),
                 ("channel", ["信访形式"]), ("n", ["人数", "来访人数"]), ("desc", ["反映问题", "主要诉求", "信访事项"]),
                 ("cat", ["问题类别", "内容分类"]), ("repeat", ["是否重复信访", "重复信访"]), ("skip", ["是否越级", "越级"])],
    "womens_federation": [("ref", ["登记编号", "求助编号", "来电编号"]), ("t", ["求助日期", "登记时间", "来电时间"]),
                          ("name", ["求助人", "求助人姓名", "姓名"]), ("sex", ["性别"]), ("age", ["年龄"]), ("phone", ["联系方式", "联系电话"]),
                          ("addr", ["住址", "家庭住址"]), ("cat", ["求助类型", "问题类型"]), ("desc", ["情况描述", "求助内容", "基本情况"]),
                          ("dv", ["是否涉及家暴", "是否家暴"]), ("referral", ["转介单位", "转介情况"]), ("disp", ["处理情况", "办理结果"])],
}
OPTIONAL = {"police": ["id", "unit", "disp"], "hotline_12345": ["handler", "deadline", "phone"], "petition": ["phone", "channel", "skip"],
            "womens_federation": ["sex", "age", "referral", "phone"]}
EXTRA = {"police": ["出警民警", "反馈时间", "备注", "是否重复警情"], "hotline_12345": ["办理状态", "满意度", "备注", "回复内容"],
         "petition": ["办理状态", "责任单位", "备注", "登记人"], "womens_federation": ["接待人", "备注", "回访情况"]}
DATE_FAMILY = {"police": [0, 1, 6, 2, 5, 8, 0], "hotline_12345": [0, 1, 6, 8, 5, 0], "petition": [3, 7, 4, 9, 10, 1, 3],
               "womens_federation": [3, 7, 0, 2, 10, 4, 5, 6]}
FORMATS = {"police": [("xlsx", None)] * 7 + [("csv", "utf-8-sig"), ("csv", "gbk"), ("csv", "utf-8")],
           "hotline_12345": [("xlsx", None)] * 6 + [("csv", "utf-8")] * 2 + [("csv", "utf-8-sig"), ("csv", "gbk")],
           "petition": [("xlsx", None)] * 4 + [("csv", "gbk")] * 4 + [("csv", "utf-8-sig"), ("csv", "utf-8")],
           "womens_federation": [("xlsx", None)] * 6 + [("csv", "utf-8-sig")] * 2 + [("csv", "gbk"), ("csv", "utf-8")]}
TITLES = {"police": ["{st}警情导出（{p}）", "派出所警情导出（{p}）", "警情数据导出 {p}", "110警情登记表（{p}）", "{st}纠纷类警情（{p}）"],
          "hotline_12345": ["12345市民服务热线工单明细（{p}）", "接诉即办工单导出{p}", "12345工单台账（{p}）", "派单工单列表 {p}"],
          "petition": ["信访事项登记台账（{p}）", "来信来访登记表（{p}）", "信访登记{p}", "信访件登记汇总表（{p}）"],
          "womens_federation": ["妇联求助登记表（{p}）", "12338妇女维权热线及来访登记（{p}）", "妇联信访求助台账{p}", "妇女儿童维权求助登记（{p}）"]}
SHEETS = {"police": ["警情导出", "Sheet1", "警情列表", "数据"], "hotline_12345": ["工单列表", "Sheet1", "工单明细", "导出数据"],
          "petition": ["登记表", "Sheet1", "信访台账", "来访登记"], "womens_federation": ["求助登记", "Sheet1", "登记表", "台账"]}


def fmt_date(t: dt.datetime, k: int, csv_mode: bool):
    if k == 0:
        return f"{t:%Y-%m-%d %H:%M:%S}"
    if k == 1:
        return f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}"
    if k == 2:
        return f"{t.year}年{t.month}月{t.day}日 {t.hour}时{t.minute:02d}分"
    if k == 3:
        return f"{t.year}年{t.month}月{t.day}日"
    if k == 4:
        return f"{t:%Y%m%d}"
    if k == 5:
        v = round(excel_serial(t), 3)
        return f"{v}" if csv_mode else v
    if k == 6:
        if csv_mode:
            return f"{t:%Y-%m-%d %H:%M}"
        return DateCell(t, 1 if t.second else 4)
    if k == 10:  # a date cell showing only the date
        if csv_mode:
            return f"{t:%Y-%m-%d}"
        return DateCell(t, 3)
    if k == 7:
        return f"{t:%Y-%m-%d}"
    if k == 8:
        return f"{t:%Y/%m/%d %H:%M:%S}"
    if k == 9:
        return f"{t.year}.{t.month}.{t.day}"
    return t.isoformat(sep=" ")


class Profile:
    """one office's / one software version's way of exporting"""

    def __init__(self, rng, source, fmt, enc, rot=0, single=False):
        self.source = source
        self.fmt, self.enc = fmt, enc
        cols = COLS[source]
        keys = [k for k, _ in cols]
        drop = set()
        if not single:
            for k in OPTIONAL[source]:
                if rng.random() < 0.12:
                    drop.add(k)
        if source == "hotline_12345":
            r = rng.random()
            if r < 0.6:
                drop.add("atype")
            elif r < 0.75:
                drop.add("cat")
        keys = [k for k in keys if k not in drop]
        # occasional swapped neighbours (another software version's order)
        if rng.random() < 0.35:
            i = rng.randrange(1, len(keys) - 1)
            keys[i], keys[i + 1] = keys[i + 1], keys[i]
        self.keys = keys
        syn = dict(cols)
        self.headers = {}
        for j, k in enumerate(keys):
            opts = syn[k]
            self.headers[k] = opts[(rot + j) % len(opts)] if rot >= 0 else rng.choice(opts)
        # avoid two columns with the same header (e.g. 联系电话 twice never happens in this table)
        self.extra_front = rng.random() < 0.5          # 序号
        self.extras = [e for e in EXTRA[source] if rng.random() < 0.25]
        self.hidden_extra = fmt == "xlsx" and self.extras and rng.random() < 0.3
        fam = DATE_FAMILY[source]
        self.date_k = fam[(rot + 3) % len(fam)] if rot >= 0 else rng.choice(fam)
        if fmt != "xlsx" and self.date_k in (6, 10):
            self.date_k = 0
        self.date_dev = 0.02 if source in ("police", "hotline_12345") else 0.12
        self.title_rows = rng.choice([0, 0, 1, 1, 1, 2])
        self.merge_title = rng.random() < 0.7
        self.blank_after_title = rng.random() < 0.5
        self.totals = rng.random() < 0.35
        self.blank_p = 0.004 if rng.random() < 0.5 else 0.0
        self.sheets_before = rng.random() < 0.08 and fmt == "xlsx"
        self.sheets_after = rng.random() < 0.12 and fmt == "xlsx"
        self.shared = rng.random() < 0.5
        self.sheet_name = rng.choice(SHEETS[source])
        self.mask_names = {"womens_federation": 0.3, "police": 0.06, "hotline_12345": 0.05, "petition": 0.03}[source] > rng.random()
        self.mask_phone = {"hotline_12345": 0.2, "womens_federation": 0.1}.get(source, 0.0) > rng.random()
        self.mask_id = {"petition": 0.12, "police": 0.08}.get(source, 0.0) > rng.random()
        self.sep = ">" if rng.random() < 0.7 else rng.choice(["-", "/", "＞"])
        self.urg_yesno = self.headers.get("urg") == "是否紧急"
        self.deadline_k = rng.choice(["date", "datetime", "days", "days"])
        self.age_suffix = rng.random() < 0.2
        self.n_suffix = rng.random() < 0.15
        self.order = "asc" if rng.random() < 0.8 else rng.choice(["desc", "ref"])
        self.space_p = rng.choice([0.0, 0.005, 0.02])
        self.fw_p = rng.choice([0.0, 0.003, 0.01])
        self.addr_key = "addr"
        if source == "petition":
            self.addr_key = "addr_place" if self.headers.get("addr") == "问题发生地" else "addr_home"
        self.app = rng.choice(["Microsoft Excel", "WPS Office", "Microsoft Excel", "Apache POI"])
        self.station_title = rng.choice(["北七家派出所", "台湖派出所", "广安门外派出所", "各派出所", ""])


def _mask_name(nm, src):
    if not nm or nm in ("匿名", "未留姓名", "市民", "不愿透露"):
        return nm
    first = nm.split("、")[0].split("，")[0].split(" ")[0]
    s = first[:2] if first[:2] in ("欧阳", "诸葛", "司马", "上官") else first[:1]
    if "等" in nm and nm.endswith("人"):
        return s + "某等" + nm.split("等")[1]
    return s + ("**" if src == "womens_federation" else ("某" if len(first) <= 2 else "某某"))


def _mask_phone(s):
    import re
    return re.sub(r"(1[3-9]\d)(\d{4})(\d{4})", r"\1****\3", s)


def _mask_id(s):
    if len(s) == 18:
        return s[:6] + "********" + s[-4:]
    return s


def row_values(rng, prof: Profile, rec, f, idx, csv_mode):
    src = prof.source
    out = []
    if prof.extra_front:
        out.append(idx if not csv_mode else str(idx))
    for k in prof.keys:
        if k == "ref":
            v = f["ref"]
            if rng.random() < 0.01:
                v = " " + v if rng.random() < 0.5 else v + " "
        elif k == "t":
            kk = prof.date_k
            if rng.random() < prof.date_dev:
                kk = rng.choice(DATE_FAMILY[src])
                if csv_mode and kk in (6, 10):
                    kk = 0
            v = fmt_date(rec.t, kk, csv_mode)
        elif k == "name":
            v = f["name"]
            if prof.mask_names:
                v = _mask_name(v, src)
        elif k == "phone":
            v = f["phone"]
            if prof.mask_phone:
                v = _mask_phone(v)
        elif k == "id":
            v = f.get("id", "")
            if prof.mask_id:
                v = _mask_id(v)
        elif k == "addr":
            v = f[prof.addr_key]
        elif k == "cat":
            v = f["cat"]
            if isinstance(v, list):
                v = prof.sep.join(v)
        elif k == "urg":
            v = f["urg"]
            if prof.urg_yesno:
                v = "是" if v != "一般" else "否"
        elif k == "deadline":
            dl = f["deadline"]
            if prof.deadline_k == "date":
                v = f"{dl:%Y-%m-%d}"
            elif prof.deadline_k == "datetime":
                v = fmt_date(dl, 0 if prof.date_k not in (6, 5) or csv_mode else 6, csv_mode)
            else:
                dd = f["deadline_days"]
                v = "24小时" if dd == 1 else (f"{dd}个工作日" if dd > 3 else f"{dd}天")
        elif k == "age":
            v = f["age"]
            if rng.random() < 0.05:
                v = ""
            elif prof.age_suffix or csv_mode:
                v = f"{v}岁" if prof.age_suffix else str(v)
        elif k == "n":
            v = f["n"]
            if prof.n_suffix:
                v = f"{v}人"
            elif csv_mode:
                v = str(v)
        elif k == "sex":
            v = f["sex"] if rng.random() > 0.03 else ""
        else:
            v = f.get(k, "")
        if isinstance(v, str) and v and k not in ("ref",):
            if prof.space_p and rng.random() < prof.space_p:
                v = rng.choice([" ", "  ", "\u3000"]) + v if rng.random() < 0.5 else v + " "
            if prof.fw_p and k in ("phone", "id", "addr") and rng.random() < prof.fw_p:
                v = v.translate(FW)
        out.append(v)
    for e in prof.extras:
        out.append(_extra_val(rng, e, rec))
    return out


def _extra_val(rng, e, rec):
    if e in ("办理状态",):
        return rng.choice(["已办结", "办理中", "已办结", "已办结", "待反馈"])
    if e == "满意度":
        return rng.choice(["满意", "基本满意", "不满意", "", "满意"])
    if e == "出警民警":
        return rng.choice("王李张刘赵陈杨孙") + rng.choice(["警官", "某", "民警"])
    if e == "反馈时间":
        return f"{rec.t + dt.timedelta(hours=rng.randint(1, 72)):%Y-%m-%d %H:%M}"
    if e == "是否重复警情":
        return rng.choice(["否", "否", "是", ""])
    if e == "责任单位":
        return rng.choice(["镇司法所", "镇综治中心", "信访办", "区人力社保局", "村委会", "社区居委会"])
    if e in ("登记人", "接待人"):
        return rng.choice("王李张刘赵陈杨孙") + rng.choice(["某", "老师", "某某"])
    if e == "回访情况":
        return rng.choice(["已回访", "未回访", "", "电话未接通"])
    if e == "回复内容":
        return rng.choice(["已联系诉求人，正在协调", "经核实已转相关部门处理", "", "已告知诉求人处理结果"])
    return ""


def header_row(prof):
    h = []
    if prof.extra_front:
        h.append("序号")
    h += [prof.headers[k] for k in prof.keys]
    h += prof.extras
    return h


def build_rows(rng, prof: Profile, items, period, csv_mode):
    """items: list of (rec, fields). Returns (rows, header_row_index, data row numbers per rec)"""
    src = prof.source
    if prof.order == "desc":
        items = sorted(items, key=lambda x: x[0].t, reverse=True)
    elif prof.order == "ref":
        items = sorted(items, key=lambda x: x[0].ref)
    rows = []
    hdr = header_row(prof)
    ncols = len(hdr)
    titles = []
    if prof.title_rows:
        t = rng.choice(TITLES[src]).format(p=period, st=prof.station_title)
        titles.append(t)
        if prof.title_rows > 1:
            last = max(rec.t for rec, _ in items) if items else None
            exp = (f"{last + dt.timedelta(days=1):%Y-%m-%d} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
                   if last else period)
            titles.append(rng.choice([f"导出时间：{exp}", f"制表单位：{rng.choice(['北七家镇', '台湖镇', '广外街道', '综治中心'])}",
                                      f"统计周期：{period}", "单位：件"]))
    for t in titles:
        rows.append([Title(t) if not csv_mode else t])
    if titles and prof.blank_after_title:
        rows.append([])
    header_at = len(rows)
    rows.append(hdr)
    where = []
    for i, (rec, f) in enumerate(items, 1):
        if prof.blank_p and rng.random() < prof.blank_p:
            rows.append([])
        rows.append(row_values(rng, prof, rec, f, i, csv_mode))
        where.append((rec, len(rows)))
    if prof.totals:
        tot = [""] * ncols
        tot[0] = rng.choice(["合计", "合计", "合计：", "合 计"])
        tot[min(ncols - 1, 2)] = rng.choice([f"共{len(items)}条", f"{len(items)}", f"共计{len(items)}件"])
        if rng.random() < 0.5:
            rows.append([])
        rows.append(tot)
    return rows, header_at, ncols, len(titles), where


def write_export(rng, path, prof: Profile, items, period):
    csv_mode = prof.fmt == "csv"
    rows, header_at, ncols, ntitles, where = build_rows(rng, prof, items, period, csv_mode)
    enc_used = prof.enc
    if not csv_mode:
        sheets = []
        if prof.sheets_before:
            sheets.append({"name": "说明", "rows": [["本表由系统导出，仅供内部使用。"], ["字段说明见附件。"]], "ncols": 1})
        merges = []
        if ntitles and prof.merge_title:
            for i in range(ntitles):
                merges.append(f"A{i + 1}:{_col(ncols - 1)}{i + 1}")
        hidden = []
        if prof.hidden_extra:
            hidden = [ncols - 1]
        widths = [8 if (prof.extra_front and i == 0) else 16 for i in range(ncols)]
        sheets.append({"name": prof.sheet_name, "rows": rows, "ncols": ncols, "merges": merges, "hidden_cols": hidden, "widths": widths})
        data_sheet = len(sheets) - 1
        if prof.sheets_after:
            sheets.append({"name": "统计", "rows": [["类别", "数量"], ["合计", len(items)]], "ncols": 2})
        write_xlsx(path, sheets, shared_strings=prof.shared, app=prof.app)
        fmt = "xlsx"
    else:
        buf = io.StringIO()
        wtr = csv.writer(buf, lineterminator="\r\n")
        for r in rows:
            wtr.writerow([("" if v is None else v) for v in r])
        text = buf.getvalue()
        try:
            data = text.encode(prof.enc)
        except UnicodeEncodeError:
            enc_used = "gb18030"
            data = text.encode("gb18030")
        with open(path, "wb") as fh:
            fh.write(data)
        fmt = "csv"
        data_sheet = 0
    return {"format": fmt, "encoding": enc_used or "", "data_rows": len(items), "header_row": header_at + 1,
            "sheet": prof.sheet_name if not csv_mode else "", "sheet_index": data_sheet, "where": where}


def _col(i):
    from xlsxw import col_letter
    return col_letter(i)
