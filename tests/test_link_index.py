"""The link index on disk: data only, no phone or ID number in clear, and nothing runs on load."""

from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from connectors.store.link_files import INDEX_FILE, LEGACY_INDEX, load_index, save_index
from connectors.tokenizer import cut
from triage.link import LinkConfig, link
from triage.link.features import Pseudonyms
from triage.link.index import from_arrays, to_arrays

KEY = Pseudonyms(b"a test key that is not the deployment's")


def _leads() -> pd.DataFrame:
    base = pd.Timestamp("2024-05-03 21:14:05")
    rows = [
        ("王晓明", ["13812345678"], "11010519491231002X", "东三旗村", "110114115201",
         "与邻居李红因漏水争吵"),
        ("王小明", ["13812345678"], None, "东三旗村", "110114115201", "楼上李红家漏水，再次争吵"),
        ("赵建国", ["13987654321", "010-61712345"], "110114198001011234", "平西府村",
         "110114115202", "拖欠工资三万元"),
    ]
    return pd.DataFrame([{
        "id": i + 1, "source": "police", "reported_at": base + pd.Timedelta(days=i),
        "reporter_name": name, "reporter_name_masked": False, "phones": phones,
        "reporter_id": ident, "reporter_id_valid": ident is not None, "district": "昌平区",
        "town": "北七家镇", "village": village, "village_code": code,
        "address": f"北京市昌平区北七家镇{village}{i + 3}号" + (" 电话13700001111" if i == 0 else ""),
        "dispute_type": "邻里",
        "description": text, "person_id": None, "updated_at": base,
    } for i, (name, phones, ident, village, code, text) in enumerate(rows)])


@pytest.fixture(scope="module")
def index() -> object:
    result = link(_leads(), {}, cut, LinkConfig(), pseudonyms=KEY)
    assert result.index is not None
    return result.index


def _all_bytes(path: Path) -> bytes:
    """Every member of the .npz, uncompressed, as one byte string to search."""
    with zipfile.ZipFile(path) as z:
        return b"".join(z.read(n) for n in z.namelist())


def test_index_round_trips_through_arrays(index, tmp_path: Path) -> None:
    save_index(tmp_path, index)
    back = load_index(tmp_path)
    assert back is not None and back.current(index.subjects, index.keyed)
    assert np.array_equal(back.table.ids, index.table.ids)
    for c in index.table.scalars:
        assert np.array_equal(back.table.scalars[c], index.table.scalars[c]), c
    for c in index.table.sets:
        assert np.array_equal(back.table.sets[c].values, index.table.sets[c].values), c
    assert list(back.table.version) == list(index.table.version)
    assert {k: v.strings for k, v in back.vocabs.kinds.items()} == {
        k: v.strings for k, v in index.vocabs.kinds.items()}
    assert back.keys.equals(index.keys)
    assert back.stats.n == index.stats.n


def test_index_keeps_no_phone_or_id_number_in_clear(index, tmp_path: Path) -> None:
    path = save_index(tmp_path, index)
    raw = _all_bytes(path)
    for secret in ("13812345678", "13987654321", "1061712345", "11010519491231002X",
                   "110114198001011234", "1385678", "1394321", "110105002X", "1101141234",
                   "13700001111"):  # written into an address
        assert secret.encode() not in raw, secret
    assert "not the deployment" not in repr(KEY)  # the key never shows in logs or tracebacks
    # linking still sees the shared phone: the two 王 leads share one phone code
    phones = index.table.sets["phones"]
    first = set(phones.values[phones.offsets[0]:phones.offsets[1]].tolist())
    second = set(phones.values[phones.offsets[1]:phones.offsets[2]].tolist())
    assert first & second


def test_an_index_made_with_another_key_is_recomputed(index) -> None:
    other = Pseudonyms(b"another key")
    assert not index.current(keyed=other.fingerprint)
    again = link(_leads(), {}, cut, LinkConfig(), index=index, pseudonyms=other)
    assert again.index is not None and again.index.keyed == other.fingerprint
    assert not set(again.index.vocabs["phone"].strings[1:]) & set(index.vocabs["phone"].strings[1:])


class _Planted:
    """Runs code when unpickled: writes a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (_touch, (str(self.marker), "pwned"))


def _touch(path: str, text: str) -> None:
    Path(path).write_text(text)


def test_a_planted_pickle_is_refused_without_running(tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    payload = pickle.dumps(_Planted(marker))
    assert marker.exists() is False
    (tmp_path / INDEX_FILE).write_bytes(payload)  # a pickle where the index should be
    assert load_index(tmp_path) is None
    assert not marker.exists()
    # an .npz whose member is a pickled object array
    buf = io.BytesIO()
    np.save(buf, np.array([_Planted(marker)], dtype=object), allow_pickle=True)
    with zipfile.ZipFile(tmp_path / INDEX_FILE, "w") as z:
        z.writestr("meta.npy", buf.getvalue())
    assert load_index(tmp_path) is None
    assert not marker.exists()
    # the pickle earlier versions wrote is never read: removed on sight
    (tmp_path / LEGACY_INDEX).write_bytes(payload)
    load_index(tmp_path)
    assert not marker.exists() and not (tmp_path / LEGACY_INDEX).exists()
    # the loader's proof that pickle would have run it
    pickle.loads(payload)
    assert marker.read_text() == "pwned"


def test_forgetting_leads_leaves_none_of_their_strings(index) -> None:
    arrays_before = to_arrays(index)
    gone = index.without([3])  # 赵建国
    assert 3 not in gone.table.ids.tolist() and len(gone.table) == 2
    assert 3 not in gone.keys["id"].tolist()
    assert gone.stats.n == index.stats.n - 1
    before = b"".join(a.tobytes() for a in arrays_before.values())
    blob = b"".join(a.tobytes() for a in to_arrays(gone).values())
    for text in ("赵建国", "工资", "zhaojianguo"):  # his name, his words, his name's pinyin
        assert text.encode() in before, text
        assert text.encode() not in blob, text
    assert KEY("13987654321").encode() not in blob
    # what the others use stays, with the same codes
    assert gone.vocabs["name"].strings == [
        s if s != "赵建国" else "" for s in index.vocabs["name"].strings]
    assert from_arrays(to_arrays(gone)).table.ids.tolist() == [1, 2]


def test_the_key_comes_from_the_environment_or_is_made_once_and_kept(db_url: str, tmp_path: Path) -> None:
    from connectors.settings import Settings
    from connectors.store.db import make_engine, upgrade
    from connectors.store.secrets import SecretUnavailable, link_key

    engine = make_engine(db_url)
    upgrade(engine)
    plain = Settings(home=tmp_path)
    made = link_key(engine, plain)
    assert len(made) == 64 and link_key(engine, plain) == made  # kept: the index stays usable
    assert not any(made in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()
                   and p.suffix != ".db" and "-wal" not in p.name)  # not beside the index
    given = Settings(home=tmp_path, link_key="from-the-environment")  # type: ignore[arg-type]
    assert link_key(engine, given) == b"from-the-environment"
    with pytest.raises(SecretUnavailable, match="至少 16"):
        link_key(engine, Settings(home=tmp_path, link_key="short"))  # type: ignore[arg-type]
    engine.dispose()


def test_an_index_with_every_lead_forgotten_still_reads(index) -> None:
    empty = index.without(index.table.ids.tolist())
    back = from_arrays(to_arrays(empty))
    assert len(back.table) == 0 and back.stats.n == 0 and back.keys.empty
    assert all(s == "" for v in back.vocabs.kinds.values() for s in v.strings)
