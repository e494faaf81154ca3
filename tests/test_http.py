"""HTTP sources against a real HTTP server on 127.0.0.1 that is slow, fails, and repeats
and reorders records across pages; pages land in a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from connectors.config import ConfigError, load_config
from connectors.resources import Resources
from connectors.settings import REPO_DATA
from connectors.sources.http import HttpSource, PageFetcher, pull, resolve_token
from connectors.store.schema import Lead, LeadVersion, RawRow, SourceCursor, SourceFile
from flows import stages

from .httpfeed import TOKEN, Feed, police_record, serve


@pytest.fixture
def feed() -> Iterator[Feed]:
    yield Feed([police_record(i) for i in range(1, 24)])


@pytest.fixture
def server(feed: Feed) -> Iterator[str]:
    with serve(feed) as url:
        yield url


@pytest.fixture
def source(server: str, monkeypatch: pytest.MonkeyPatch) -> HttpSource:
    monkeypatch.setenv("TRIAGE_TEST_TOKEN", TOKEN)
    return HttpSource(name="beiqijia-police", source="police", base_url=server, page_size=5,
                      token_env="TRIAGE_TEST_TOKEN", timeout=2, backoff=0.01, max_backoff=3)


def _with_sources(res: Resources, *sources: HttpSource) -> Resources:
    res.config = dataclasses.replace(res.config, http_sources=list(sources))
    return res


def _count(res: Resources, model: Any, *where: Any) -> int:
    with Session(res.engine) as s:
        stmt = select(func.count()).select_from(model)
        for w in where:
            stmt = stmt.where(w)
        return int(s.execute(stmt).scalar_one())


def _cursor(res: Resources, name: str) -> SourceCursor:
    with Session(res.engine) as s:
        return s.get(SourceCursor, name)  # type: ignore[return-value]


def test_pages_with_repeated_and_reordered_records_count_each_record_once(
        res: Resources, feed: Feed, source: HttpSource) -> None:
    feed.repeat = feed.reorder = True
    summary = stages.pull_http_sources(_with_sources(res, source))
    assert summary.sources[0]["status"] == "ok" and summary.sources[0]["pages"] == 5
    assert _count(res, Lead) == 23 and summary.leads_new == 23
    assert summary.leads_unchanged == 4  # one repeat at the top of pages 2-5
    assert summary.rows_in == 27 and summary.balanced
    assert all(f["rows_in"] == f["leads_new"] + f["leads_updated"] + f["leads_unchanged"]
               + f["rejected"] for f in summary.files)
    assert _count(res, SourceFile, SourceFile.kind == "http_page") == 5
    assert _count(res, RawRow) == 27
    with Session(res.engine) as s:
        raw = s.scalars(select(RawRow).limit(1)).one()
    assert raw.data is not None and raw.data["source_ref"].startswith("HTTP")  # as received
    cursor = _cursor(res, source.name)
    assert cursor.page_cursor is None and cursor.high_water is None
    assert cursor.updated_since == max(r["updated_at"] for r in feed.records)
    assert {r["auth"] for r in feed.requests} == {f"Bearer {TOKEN}"}


def test_retries_429_5xx_slow_and_trickling_answers_with_backoff(
        res: Resources, feed: Feed, source: HttpSource) -> None:
    feed.plan.extend([429, 500, "slow", 503, "ok", "trickle"])
    feed.retry_after = "2"
    feed.slow_seconds = 2.5  # beyond the 2 s timeout
    waits: list[float] = []
    cfg = source.model_copy(update={"timeout": 1.0})
    fetcher = PageFetcher(cfg, resolve_token(cfg), sleep=waits.append)
    ing = stages.ingestor(res)
    with ing:
        result = pull(ing, cfg, fetcher)
    assert result.pages == 5 and _count(res, Lead) == 23
    assert fetcher.retries == 5  # 429, 500, timeout, 503, trickle
    assert waits[0] >= 2.0  # Retry-After honoured
    assert all(w <= cfg.max_backoff for w in waits)
    assert waits[3] > waits[1]  # backoff grows
    assert len(feed.requests) == 5 + 5


def test_resume_after_the_server_gives_up_without_double_counting(
        res: Resources, feed: Feed, source: HttpSource) -> None:
    cfg = source.model_copy(update={"max_retries": 1})
    feed.plan.extend(["ok", "ok", 500, 500])
    first = stages.pull_http_sources(_with_sources(res, cfg))
    assert first.sources[0]["status"] == "failed" and "HTTP 500" in first.sources[0]["error"]
    assert first.sources[0]["pages"] == 2 and _count(res, Lead) == 10
    stopped = _cursor(res, cfg.name)
    assert stopped.page_cursor == "10" and stopped.last_error
    feed.requests.clear()
    second = stages.pull_http_sources(res)
    assert second.sources[0]["status"] == "ok"
    assert feed.requests[0]["query"].get("cursor") == "10"  # resumed, pages 1-2 not fetched again
    assert _count(res, Lead) == 23 and first.leads_new + second.leads_new == 23
    assert _cursor(res, cfg.name).last_error is None


def test_crash_inside_a_page_rolls_back_the_page_and_its_cursor(
        res: Resources, feed: Feed, source: HttpSource) -> None:
    with res.engine.begin() as conn:  # the database fails on a record of page 3
        if conn.dialect.name == "postgresql":
            conn.execute(text("""CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN
                IF NEW.source_ref = 'HTTP00013' THEN RAISE EXCEPTION 'power cut'; END IF;
                RETURN NEW; END $$ LANGUAGE plpgsql"""))
            conn.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON lead FOR EACH ROW "
                              "EXECUTE FUNCTION refuse()"))
        else:
            conn.execute(text("""CREATE TRIGGER refuse BEFORE INSERT ON lead
                WHEN NEW.source_ref = 'HTTP00013' BEGIN SELECT RAISE(ABORT, 'power cut'); END"""))
    first = stages.pull_http_sources(_with_sources(res, source))
    assert first.sources[0]["status"] == "failed" and "power cut" in first.sources[0]["error"]
    assert _count(res, Lead) == 10 and _count(res, SourceFile) == 2
    assert _cursor(res, source.name).page_cursor == "10"
    with res.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER refuse" + (" ON lead" if conn.dialect.name == "postgresql"
                                                  else "")))
    second = stages.pull_http_sources(res)
    assert second.leads_new == 13 and _count(res, Lead) == 23


def test_next_pull_asks_for_updates_since_the_last_and_keeps_history(
        res: Resources, feed: Feed, source: HttpSource) -> None:
    stages.pull_http_sources(_with_sources(res, source))
    high = _cursor(res, source.name).updated_since
    feed.records[0] = police_record(1, "2024-05-09T10:00:00", disposition="已调解")
    feed.records[1] = police_record(2, "2024-05-09T10:00:00", description="更正：双方已和解")
    feed.records.append(police_record(99, "2024-05-09T11:00:00"))
    feed.requests.clear()
    again = stages.pull_http_sources(res)
    assert feed.requests[0]["query"]["updated_since"] == high
    assert (again.leads_new, again.leads_updated) == (1, 2)
    assert again.rows_in == again.leads_new + again.leads_updated + again.leads_unchanged
    assert _count(res, LeadVersion) == 2
    with Session(res.engine) as s:
        lead = s.scalars(select(Lead).where(Lead.source_ref == "HTTP00002")).one()
    assert lead.version == 2 and lead.description == "更正：双方已和解"


def test_a_failing_source_is_reported_and_the_others_go_on(
        res: Resources, feed: Feed, source: HttpSource, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("TRIAGE_WRONG_TOKEN", "wrong-" + TOKEN)
    bad = source.model_copy(update={"name": "bad-token", "token_env": "TRIAGE_WRONG_TOKEN"})
    unset = source.model_copy(update={"name": "no-token", "token_env": "TRIAGE_UNSET_TOKEN"})
    broken = source.model_copy(update={"name": "broken", "max_retries": 0})
    feed.plan.extend(["badjson"])
    summary = stages.pull_http_sources(_with_sources(res, broken, bad, unset, source))
    status = {s["name"]: s for s in summary.sources}
    assert status["broken"]["status"] == "failed" and "JSON" in status["broken"]["error"]
    assert status["bad-token"]["status"] == "failed" and "令牌" in status["bad-token"]["error"]
    assert status["no-token"]["status"] == "failed" and "TRIAGE_UNSET_TOKEN" in status["no-token"]["error"]
    assert status[source.name]["status"] == "ok" and _count(res, Lead) == 23
    everything = json.dumps(summary.sources, ensure_ascii=False) + caplog.text
    assert TOKEN not in everything
    assert _cursor(res, "bad-token").last_error


def test_records_keyed_by_chinese_headers(res: Resources, server: str, feed: Feed,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIAGE_TEST_TOKEN", TOKEN)
    feed.records = [{"工单编号": f"GD{i:04d}", "来电时间": "2024/5/3 21:14", "来电人": "王女士",
                     "回访电话": ["13812345678", "010-61712345"], "问题地址": "台湖镇铺头村东街8号",
                     "问题分类": "城乡建设>住房管理>物业管理", "诉求内容": "物业不作为\r\n漏水",
                     "updated_at": f"2024-05-04T08:00:{i:02d}"} for i in range(7)]
    feed.records.append({"工单编号": "", "来电时间": "2024/5/3", "updated_at": "2024-05-04T09:00:00"})
    cfg = HttpSource(name="taihu-12345", source="hotline_12345", base_url=server, page_size=3,
                     token_env="TRIAGE_TEST_TOKEN", backoff=0.01)
    summary = stages.pull_http_sources(_with_sources(res, cfg))
    assert (summary.leads_new, summary.rejected) == (7, 1) and summary.balanced
    with Session(res.engine) as s:
        lead = s.scalars(select(Lead).where(Lead.source_ref == "GD0003")).one()
    assert lead.phones == ["13812345678", "010-61712345"] and lead.dispute_type == "物业"
    assert lead.village == "铺头村" and lead.description == "物业不作为 漏水"


def test_tokens_are_never_in_the_configuration_file(tmp_path: Path) -> None:
    import shutil

    data = Path(shutil.copytree(REPO_DATA, tmp_path / "data"))
    (data / "config" / "http_sources.toml").write_text(
        '[[sources]]\nname = "x"\nsource = "police"\nbase_url = "http://127.0.0.1:9/"\n'
        'token = "abc"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"(?s)http_sources\.toml.*token"):
        load_config(data)
    (data / "config" / "http_sources.toml").write_text(
        '[[sources]]\nname = "x"\nsource = "法院"\nbase_url = "http://127.0.0.1:9/"\n', "utf-8")
    with pytest.raises(ConfigError, match="source"):
        load_config(data)
