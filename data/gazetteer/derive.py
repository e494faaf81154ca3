"""Derive the project's gazetteer (units.csv) from NBS adcode files.

Run once when the reference files change:
    python data/gazetteer/derive.py ../shared/data/gazetteer/*.csv > data/gazetteer/units.csv
Source: Vonng/adcode (CC BY 4.0), NBS 12-digit codes as of 2016-07-31.
Deployments extend the result with `aliases.csv` and their own units.
"""

from __future__ import annotations

import csv
import re
import sys


def short_forms(name: str, level: str) -> tuple[str, list[str]]:
    """Return the everyday name of a unit and its aliases."""
    aliases: list[str] = []
    if level == "town":
        if name.endswith("街道办事处"):
            base = name[: -len("街道办事处")]
            return base + "街道", [base, base + "街道办事处"]
        if name.endswith("地区办事处"):
            base = name[: -len("地区办事处")]
            return base + "地区", [base, base + "镇", name]
        ethnic = re.match(r"(.{2,})(回族|满族|蒙古族|朝鲜族)乡$", name)
        if ethnic:  # 于家务回族乡: everyday 于家务乡 / 于家务, never 于家务回族
            return name, [ethnic.group(1) + "乡", ethnic.group(1)]
        if name.endswith("镇") or name.endswith("乡"):
            return name, [name[:-1]]
        return name, aliases
    if level == "village":
        if name.endswith("社区居委会"):
            base = name[: -len("社区居委会")]
            return base + "社区", [base, base + "小区", name]
        if name.endswith("居委会"):
            base = name[: -len("居委会")]
            if "社区第" in base:  # 三里河社区第一居委会 -> 三里河第一社区, not 三里河社区第一社区
                plain = base.replace("社区第", "第", 1)
                return plain + "社区", [plain, base, name]
            return base + "社区", [base, base + "小区", name]
        if name.endswith("村委会"):
            base = name[: -len("村委会")]
            short = re.sub(r"村$", "", base)
            if len(short) < 2:  # 董村村委会: a one-character alias (董) would match anything
                short = ""
            return base + ("" if base.endswith("村") else "村"), [short, name]
        return name, aliases
    if level == "district" and name.endswith("区") and len(name) >= 3:
        return name, [name[:-1]]  # 昌平区 -> 昌平
    return name, aliases


def main(paths: list[str]) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["code", "parent_code", "level", "name", "short_name", "district", "town",
                  "rural", "aliases"])
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for row in csv.reader(fh):
                code, parent, name, level = row[0], row[1], row[2], row[3]
                if level not in ("county", "town", "village"):
                    continue
                lvl = "district" if level == "county" else level
                short, aliases = short_forms(name, lvl)
                town_name = short_forms(row[18], "town")[0] if row[18] else ""
                rural = "1" if row[8].startswith("2") else "0"
                aliases = [a for a in dict.fromkeys(aliases) if a and a != short]
                out.writerow([code, parent, lvl, name, short, row[17], town_name if lvl != "district" else "",
                              rural if lvl == "village" else "", "|".join(aliases)])


if __name__ == "__main__":
    main(sys.argv[1:])
