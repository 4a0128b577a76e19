"""The YAML loader: positions, strictness, and hostile input that must end fast."""

from __future__ import annotations

import pytest

import kconf.yamlio
from kconf.errors import KconfError
from kconf.yamlio import Position, decode, dump_documents, load_documents, load_one, needs_quotes


@pytest.fixture(params=["libyaml", "ruamel"], autouse=True)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs with libyaml's parser and with ruamel's pure-Python
    fallback (used where PyYAML lacks libyaml); kconf's composer decides the
    data, positions and limits either way."""
    if request.param == "ruamel":
        monkeypatch.setattr(kconf.yamlio, "_libyaml", lambda: False)
    else:
        assert kconf.yamlio._libyaml(), "PyYAML without libyaml"
    return str(request.param)


def test_positions_of_keys_and_values() -> None:
    doc = load_one("spec:\n  nodes:\n    - name: a\n      address: 10.0.0.1/24\n", "f.yaml")
    assert doc.position(("spec", "nodes", 0, "address")) == Position(4, 16)
    assert doc.position(("spec", "nodes", 0, "address"), key=True) == Position(4, 7)
    assert doc.line(("spec", "nodes", 0, "missing")) == 3  # nearest written ancestor


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a: yes\n", {"a": "yes"}, id="yaml-1.2-yes-is-a-string"),
        pytest.param("a: 0x10\nb: 0o17\nc: 1.5\nd: ~\ne: true\n", {"a": 16, "b": 15, "c": 1.5, "d": None, "e": True}, id="core-schema"),
        pytest.param("a: !!str 24\n", {"a": "24"}, id="explicit-str"),
        pytest.param("x: &x {a: 1}\ny: {<<: *x, b: 2}\n", {"x": {"a": 1}, "y": {"a": 1, "b": 2}}, id="merge-key"),
        # only a plain, untagged << merges (YAML 1.1's merge type); quoted, it is a string key
        pytest.param('"<<": []\n', {"<<": []}, id="quoted-merge-key-is-a-string"),
        pytest.param("'<<': {a: 1}\n", {"<<": {"a": 1}}, id="single-quoted-merge-key-is-a-string"),
        pytest.param("1: a\n", {"1": "a"}, id="keys-are-strings"),
    ],
)
def test_values(text: str, expected: object) -> None:
    assert load_one(text, "f.yaml").data == expected


BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("a: 1\nb: 2\na: 3\n", "f.yaml:3: duplicate key 'a' (kubeadm's strict decoder rejects it too)", id="duplicate-key"),
        pytest.param("a:\n\tb: 1\n", "f.yaml:2: invalid YAML: found a tab character that cannot start any token (tabs are not allowed for indentation in YAML)", id="tab"),
        pytest.param(BOMB, "f.yaml:6: more than 500,000 nodes once aliases are expanded (an alias bomb?)", id="billion-laughs"),
        pytest.param("[" * 5000 + "]" * 5000, "f.yaml:1: nesting deeper than 200 levels", id="deep-flow"),
        pytest.param("".join(" " * i + "a:\n" for i in range(5000)), "f.yaml:201: nesting deeper than 200 levels", id="deep-block"),
        pytest.param("a: &a [*a]\n", "f.yaml:1: recursive alias *a", id="recursive-alias"),
        pytest.param("a: *nope\n", "f.yaml:1: alias *nope names no anchor", id="undefined-alias"),
        pytest.param("a: !Ref x\n", "f.yaml:1: unsupported YAML tag '!Ref'", id="custom-tag"),
        pytest.param("? [a]\n: 1\n", "f.yaml:1: a mapping or sequence used as a mapping key is not supported", id="complex-key"),
        pytest.param("a: !!int x\n", "f.yaml:1: 'x' is not a valid !!int", id="bad-int-tag"),
    ],
)
def test_bad_and_hostile_yaml_is_a_clean_error(text: str, message: str) -> None:
    with pytest.raises(KconfError) as caught:
        load_documents(text, "f.yaml")
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"a: \xff\n", "f.yaml:1: not UTF-8 text (byte 0xff at offset 3)", id="not-utf8"),
        pytest.param(b"a: 1\n\x00", "f.yaml:2: binary data (a NUL byte): not a YAML file", id="nul"),
        pytest.param(b"x" * (16 * 1024 * 1024 + 1), "f.yaml: file is 16,777,217 bytes; kconf reads YAML files up to 16,777,216 bytes", id="too-large"),
    ],
)
def test_undecodable_bytes(data: bytes, message: str) -> None:
    with pytest.raises(KconfError) as caught:
        decode(data, "f.yaml")
    assert str(caught.value) == message


def test_bom_is_accepted() -> None:
    assert decode(b"\xef\xbb\xbfa: 1\n", "f.yaml") == "a: 1\n"


@pytest.mark.parametrize(
    "text",
    ["on", "off", "yes", "No", "y", "0755", "12:30", "1.5", "1e3", "24", "", "null", "~", "true", ".inf", "0x1F", "1_000"],
)
def test_strings_a_yaml_1_1_reader_would_retype_are_quoted(text: str) -> None:
    assert needs_quotes(text)
    out = dump_documents([{"k": text}])
    assert out in (f"k: '{text}'\n", f'k: "{text}"\n')
    assert load_one(out, "o.yaml").data == {"k": text}


@pytest.mark.parametrize("text", ["x", "v1.31.2", "192.168.1.1", "unix:///run/x.sock", "cluster.local", "sha256:ab"])
def test_ordinary_strings_stay_plain(text: str) -> None:
    assert not needs_quotes(text)
    assert dump_documents([{"k": text}]) == f"k: {text}\n"


# --- the emitter: whatever it writes reads back as the same data ------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20) | st.sampled_from(
    ["on", "yes", "No", "~", "null", "0755", "12:30", "1e3", "-", "- x", "a: b", "a #b", "#x", ":x", "x:", " x", "x ",
     "${KCONF_TOKEN}", "[a]", "{a}", "*a", "&a", "!x", "|", ">", "'q'", '"q"', "%x", "@x", "`x", "a\nb", "\t", "---", "..."]
)
_scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**63) | _text
_data = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.dictionaries(_text, _data, min_size=1, max_size=5), min_size=1, max_size=3))
def test_dumped_documents_read_back_the_same_in_yaml_1_2_and_1_1(documents: list[dict[str, object]]) -> None:
    import yaml

    text = dump_documents(documents)
    assert [d.data for d in load_documents(text, "o.yaml")] == documents
    # a YAML 1.1 reader (kubeadm reads with go-yaml) sees the same strings
    assert list(yaml.load_all(text, Loader=yaml.CSafeLoader)) == documents


# --- ShapeMemo: texts of one shape, composed from the first one's documents -----------

JOIN = """\
# Generated by kconf
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
nodeRegistration:
  name: {name}
  kubeletExtraArgs:
    - name: node-ip
      value: {ip}
"""


def _same(memo_docs: list[kconf.yamlio.Document], parsed: list[kconf.yamlio.Document]) -> None:
    assert [(d.data, d.index, d.start, d.values, d.keys) for d in memo_docs] == [
        (d.data, d.index, d.start, d.values, d.keys) for d in parsed
    ]


@pytest.mark.parametrize(
    ("first", "second", "composed"),
    [
        pytest.param(JOIN.format(name="node-1", ip="10.1.1.2"), JOIN.format(name="node-22", ip="10.1.1.23"), True, id="join-configs"),
        pytest.param("items:\n  - a\n  - b\n", "items:\n  - c\n  - dd\n", True, id="sequence-items"),
        pytest.param("port: abc\n", "port: 123\n", False, id="string-to-int"),
        pytest.param("port: 123\n", "port: abc\n", False, id="int-to-string"),
        pytest.param("on: x\n", "on: true\n", False, id="string-to-bool"),
        pytest.param("on: x\n", "on: null\n", False, id="string-to-null"),
        pytest.param("key: a\n  b\n", "key: c\n  b\n", False, id="multi-line-plain-scalar"),
        pytest.param("key: |\n  a\n", "key: |\n  b\n", False, id="block-scalar"),
        pytest.param("a: x\n", "b: x\n", False, id="key-changed"),
        pytest.param("a: x\n", "a: x\nb: y\n", False, id="line-added"),
        pytest.param("a: &v x\nb: *v\n", "a: &v y\nb: *v\n", False, id="anchor-and-alias"),
        pytest.param("a: x # note\n", "a: y # note\n", False, id="trailing-comment"),
        pytest.param("a: x\n---\nb: y\n", "a: x\n---\nb: z\n", True, id="second-document"),
        pytest.param("a: x\n", "a: x:y\n", False, id="value-becomes-mapping-like"),
    ],
)
def test_shape_memo_loads_what_a_parse_loads(monkeypatch: pytest.MonkeyPatch, first: str, second: str, composed: bool) -> None:
    memo = kconf.yamlio.ShapeMemo()
    _same(memo.load(first, "first.yaml"), load_documents(first, "first.yaml"))
    parses = []
    real = kconf.yamlio.load_documents
    monkeypatch.setattr(kconf.yamlio, "load_documents", lambda text, path, **kw: parses.append(path) or real(text, path, **kw))
    _same(memo.load(second, "second.yaml"), real(second, "second.yaml"))
    assert parses == ([] if composed else ["second.yaml"])


def test_shape_memo_copies_the_data() -> None:
    memo = kconf.yamlio.ShapeMemo()
    first = memo.load(JOIN.format(name="a", ip="10.0.0.1"), "a.yaml")
    second = memo.load(JOIN.format(name="b", ip="10.0.0.2"), "b.yaml")
    second[0].data["nodeRegistration"]["kubeletExtraArgs"][0]["value"] = "changed"
    assert first[0].data["nodeRegistration"] == {"name": "a", "kubeletExtraArgs": [{"name": "node-ip", "value": "10.0.0.1"}]}


def test_shape_memo_raises_what_a_parse_raises() -> None:
    memo = kconf.yamlio.ShapeMemo()
    for path in ("a.yaml", "b.yaml"):
        with pytest.raises(KconfError, match="duplicate key 'a'"):
            memo.load("a: x\na: y\n", path)
