"""Load and validate the deployment's configuration files under ``data/``.

Every file is validated on load; an error names the file (and the row for CSV
files) so whoever maintains the deployment can fix it without reading code.
"""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from connectors.sources.http import HttpSource, HttpSourcesFile
from connectors.sources.ingest import IngestOptions
from triage.link import LinkConfig, SubjectLexicon
from triage.link.sounds import NameLexicon
from triage.masking import MaskingPolicy
from triage.normalize.addresses import Gazetteer
from triage.normalize.categories import CategoryMapper
from triage.normalize.headers import SourceSpec, load_specs
from triage.risk import RiskConfig
from triage.routing import MediatorSpec, RoutingConfig


class ConfigError(Exception):
    """A configuration file is missing or invalid; the message says which and why."""


@dataclass(frozen=True)
class TriageConfig:
    """Everything the stages read from ``data/``, loaded once per run."""

    data_dir: Path
    specs: dict[str, SourceSpec]
    categories: CategoryMapper
    gazetteer: Gazetteer
    risk: RiskConfig
    routing: RoutingConfig
    mediators: list[MediatorSpec]
    masking: MaskingPolicy
    jurisdiction: tuple[str, ...]  # town codes
    served_towns: frozenset[str]  # their short names, as cases carry them
    offices: dict[str, str]  # town short name → the judicial office a referral goes to
    default_area_code: str
    ingest: IngestOptions
    http_sources: list[HttpSource]
    linking: LinkConfig

    def mediator(self, mediator_id: str | None) -> MediatorSpec | None:
        """The roster's mediator with this id, or None."""
        return next((m for m in self.mediators if m.mediator_id == mediator_id), None)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"配置文件不存在: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件格式错误 {path}: {exc}") from exc


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """A configuration CSV as rows, in UTF-8 (with or without BOM) or GBK as Excel saves it."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigError(f"配置文件不存在: {path}") from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            content = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ConfigError(f"配置文件编码无法识别 {path}：请另存为 UTF-8 或 GBK（CSV）")
    return [{k.strip(): (v or "").strip() for k, v in row.items() if k}
            for row in csv.DictReader(io.StringIO(content, newline=""))]


def problems(exc: ValidationError) -> str:
    """A validation error as a deployer reads it: each column and what is wrong with it,
    never the value itself (a roster cell holds names and phones)."""
    lines = []
    for err in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(x) for x in err["loc"]) or "整行"
        lines.append(f"  {where} 列: {_chinese(err)}")
    return "\n".join(lines)


_MESSAGES = {
    "missing": "缺少此项", "int_parsing": "应为整数", "int_type": "应为整数", "float_parsing": "应为数字",
    "float_type": "应为数字", "bool_parsing": "应为 true/false（或 是/否、1/0）", "string_type": "应为文字",
    "string_too_short": "不能为空", "list_type": "应为列表", "dict_type": "应为表", "too_short": "不能为空",
    "extra_forbidden": "不认识的配置项（拼写错误？）", "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_parsing": "应为日期 YYYY-MM-DD", "literal_error": "取值不在允许范围内",
}


def _chinese(err: Any) -> str:
    ctx = err.get("ctx") or {}
    kind = err["type"]
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        sign = {"greater_than": ">", "greater_than_equal": "≥", "less_than": "<",
                "less_than_equal": "≤"}[kind]
        bound = next(iter(ctx.values()), "")
        return f"应 {sign} {bound}"
    return _MESSAGES.get(kind, err["msg"])


def _validated(path: Path, model: Any, content: Any) -> Any:
    try:
        return model.model_validate(content)
    except ValidationError as exc:
        raise ConfigError(f"配置文件无效 {path}:\n{problems(exc)}") from None


def load_gazetteer(data_dir: Path) -> Gazetteer:
    folder = data_dir / "gazetteer"
    units: list[dict[str, str]] = []
    aliases: list[dict[str, str]] = []
    for path in sorted(folder.glob("*.csv")):
        rows = read_csv_rows(path)
        (aliases if path.name.startswith("aliases") else units).extend(rows)
    if not units:
        raise ConfigError(f"地名库为空: {folder} 下没有单位文件")
    try:
        return Gazetteer.from_rows(units, aliases)
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"地名库无效 {folder}: {exc}") from exc


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def load_roster(path: Path, gazetteer: Gazetteer) -> list[MediatorSpec]:
    """Mediators with their villages (and seat) resolved to gazetteer codes."""
    mediators = []
    seen: set[str] = set()
    for line, row in enumerate(read_csv_rows(path), start=2):
        where = f"调解员名册无效 {path} 第{line}行"
        try:
            spec = MediatorSpec.model_validate({
                **{k: v for k, v in row.items() if v not in (None, "")},
                "villages": _split(row.get("villages")),
                "specialties": _split(row.get("specialties")),
                "levels": _split(row.get("levels")),
                "languages": _split(row.get("languages")),
                "active": (row.get("active") or "1").lower() not in ("0", "false", "否", "no"),
            })
        except ValidationError as exc:
            raise ConfigError(f"{where}:\n{problems(exc)}") from None
        if spec.mediator_id in seen:
            raise ConfigError(f"{where}: mediator_id 重复 {spec.mediator_id}")
        seen.add(spec.mediator_id)
        town = gazetteer.find_town(spec.town)
        if town is None:
            raise ConfigError(f"{where} town 列: 在地名库中找不到镇街 {spec.town}")
        codes = []
        for village in spec.villages:
            match = gazetteer.resolve(f"{spec.town}{village}")
            if match.level != "village" or match.village_code is None:
                raise ConfigError(f"{where} villages 列: 在地名库中找不到 {spec.town}{village}")
            codes.append(match.village_code)
        home = None
        if spec.home_village:
            home = gazetteer.resolve(f"{spec.town}{spec.home_village}").village_code
            if home is None:
                raise ConfigError(f"{where} home_village 列: 在地名库中找不到 {spec.town}{spec.home_village}")
        mediators.append(spec.model_copy(update={"village_codes": codes, "home_code": home,
                                                 "district": town.district}))
    if not mediators:
        raise ConfigError(f"调解员名册为空: {path}")
    return mediators


def load_offices(data_dir: Path, gazetteer: Gazetteer) -> dict[str, str]:
    """Each town's judicial office, by town short name: ``data/gazetteer/offices.csv``
    (``town,office``) where a deployment has it, else named after the district and town."""
    offices = {u.short_name: f"{u.district}{u.short_name}司法所"
               for u in gazetteer.units.values() if u.level == "town"}
    path = data_dir / "gazetteer" / "offices.csv"
    if path.exists():
        for line, row in enumerate(read_csv_rows(path), start=2):
            unit = gazetteer.find_town(row.get("town") or "")
            if unit is None or not row.get("office"):
                raise ConfigError(f"司法所名录无效 {path} 第{line}行: 镇街不在地名库中或缺少 office")
            offices[unit.short_name] = row["office"]
    return offices


def load_config(data_dir: Path) -> TriageConfig:
    """Load every configuration file under ``data_dir``."""
    sources_dir = data_dir / "sources"
    raw_specs = {str(p): read_toml(p) for p in sorted(sources_dir.glob("*.toml"))}
    try:
        specs = load_specs(raw_specs)
    except ValueError as exc:
        raise ConfigError(f"来源配置无效 {sources_dir}: {exc}") from exc
    taxonomy_path = data_dir / "taxonomy.toml"
    try:
        categories = CategoryMapper.from_config(read_toml(taxonomy_path))
    except ValueError as exc:
        raise ConfigError(f"分类映射无效 {taxonomy_path}: {exc}") from exc
    gazetteer = load_gazetteer(data_dir)
    risk_path = data_dir / "lexicons" / "risk.toml"
    routing_path = data_dir / "config" / "routing.toml"
    masking_path = data_dir / "config" / "masking.toml"
    linking_path = data_dir / "config" / "linking.toml"
    subjects_path = data_dir / "lexicons" / "subjects.toml"
    names_path = data_dir / "lexicons" / "names.toml"
    deployment_path = data_dir / "config" / "deployment.toml"
    ingest_path = data_dir / "config" / "ingest.toml"
    http_path = data_dir / "config" / "http_sources.toml"
    deployment = read_toml(deployment_path)
    jurisdiction = []
    for town in deployment.get("jurisdiction", []):
        unit = gazetteer.find_town(str(town))
        if unit is None:
            raise ConfigError(f"配置文件无效 {deployment_path}: jurisdiction 中的 {town} 不在地名库中")
        jurisdiction.append(unit.code)
    return TriageConfig(
        data_dir=data_dir,
        specs=specs,
        categories=categories,
        gazetteer=gazetteer,
        risk=_validated(risk_path, RiskConfig, read_toml(risk_path)),
        routing=_validated(routing_path, RoutingConfig, read_toml(routing_path)),
        mediators=load_roster(data_dir / "rosters" / "mediators.csv", gazetteer),
        masking=_validated(masking_path, MaskingPolicy, read_toml(masking_path)),
        jurisdiction=tuple(jurisdiction),
        served_towns=frozenset(gazetteer.units[c].short_name for c in jurisdiction),
        offices=load_offices(data_dir, gazetteer),
        default_area_code=str(deployment.get("default_area_code", "010")),
        linking=_validated(linking_path, LinkConfig, read_toml(linking_path)).model_copy(
            update={"subjects": _validated(  # optional: without it, no subject lexicon
                subjects_path, SubjectLexicon,
                read_toml(subjects_path) if subjects_path.exists() else {}).subjects,
                "names": _validated(  # optional: without it, names agree by sound alone
                    names_path, NameLexicon,
                    read_toml(names_path) if names_path.exists() else {})}),
        ingest=_validated(ingest_path, IngestOptions, read_toml(ingest_path)),
        http_sources=_validated(http_path, HttpSourcesFile, read_toml(http_path)).sources,
    )
