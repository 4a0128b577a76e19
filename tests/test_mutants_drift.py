"""rendered-drift (kconf/lint/rules/drift.py): the exact findings for each kind of edit.

Written for the mutants that survived the rest of the suite (see
tools/mutation/run): the structural YAML compare and the line compare are
pure functions of (file on disk, rendered bytes), so each case is one row.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from kconf.description import COMPLETE
from kconf.errors import KconfError
from kconf.lint.model import Loc
from kconf.lint.rules.drift import (
    _ANALYSED, CHANGED, FileDrift, FolderDrift, _crlf_drift, _directive, _text_drift, _yaml_drift, analyse, earlier_renders, rendered_drift,
)
from lintkit import BASE_CLUSTER, lint, render_into

TAIL = "; change the description and re-render"


def yaml_drift(on_disk: bytes, rendered: bytes) -> FileDrift:
    drift = FileDrift("f.yaml")
    _yaml_drift(drift, on_disk, rendered)
    return drift


def text_drift(on_disk: bytes, rendered: bytes) -> FileDrift:
    drift = FileDrift("f")
    _text_drift(drift, on_disk, rendered)
    return drift


def yaml_findings(on_disk: bytes, rendered: bytes) -> list[tuple[str, str, int, int, str]]:
    return [(f.rule, f.loc.path, f.loc.line, f.loc.column, f.message) for f in yaml_drift(on_disk, rendered).findings]


def text_findings(on_disk: bytes, rendered: bytes) -> list[tuple[str, int, str]]:
    return [(f.rule, f.loc.line, f.message) for f in text_drift(on_disk, rendered).findings]


X58, X59, X70 = "x" * 58, "x" * 59, "x" * 70
CUT = "'" + "x" * 56 + "..."  # repr cut to 57 characters, then "..."


@pytest.mark.parametrize(
    ("on_disk", "rendered", "expected"),
    [
        pytest.param(b"a: [\n", b"a: 1\n", [(2, 1, "no longer loads as YAML (invalid YAML: did not find expected node content); re-render it")], id="broken"),
        pytest.param(b"\xff\n", b"a: 1\n", [(1, 1, "no longer loads as YAML (not UTF-8 text (byte 0xff at offset 0)); re-render it")], id="not-utf-8"),
        pytest.param(b"a: 1\nb: 3\n", b"a: 1\nb: 2\n", [(2, 4, "b is 3, kconf render writes 2" + TAIL)], id="changed"),
        pytest.param(b"m:\n  k: 2\n", b"m:\n  k: 1\n", [(2, 6, "m.k is 2, kconf render writes 1" + TAIL)], id="changed-nested"),
        pytest.param(b"a: 1\nc: x\n", b"a: 1\n", [(2, 1, "c was added by hand ('x'); kconf render does not write it" + TAIL)], id="key-added"),
        pytest.param(b"a: 1\n", b"a: 1\nc: x\n", [(1, 1, "c ('x') was removed by hand; kconf render writes it" + TAIL)], id="key-removed"),
        pytest.param(b"l:\n- a\n- b\n- c\n", b"l:\n- a\n- b\n", [(4, 3, "l[2] was added by hand ('c'); kconf render does not write it" + TAIL)], id="item-added"),
        pytest.param(b"l:\n- a\n", b"l:\n- a\n- b\n", [(2, 1, "l[1] ('b') was removed by hand; kconf render writes it" + TAIL)], id="item-removed"),
        pytest.param(b"l: [b, a]\n", b"l: [a, b]\n",
                     [(1, 5, "l[0] is 'b', kconf render writes 'a'" + TAIL), (1, 8, "l[1] is 'a', kconf render writes 'b'" + TAIL)],
                     id="list-reordered"),
        pytest.param(b"z: 2\na: 2\n", b"z: 1\na: 1\n",
                     [(2, 4, "a is 2, kconf render writes 1" + TAIL), (1, 4, "z is 2, kconf render writes 1" + TAIL)],
                     id="sorted-by-field-path"),
        pytest.param(b"a: 2\na': 2\n", b"a: 1\na': 1\n",
                     [(1, 4, "a is 2, kconf render writes 1" + TAIL), (2, 5, "[\"a'\"] is 2, kconf render writes 1" + TAIL)],  # not a plain name: quoted
                     id="sorted-by-path-steps-not-path-text"),
        pytest.param(b"a: 1\n---\nb: 2\n", b"a: 1\n", [(3, 1, "the document was added by hand ({'b': 2}); kconf render does not write it" + TAIL)], id="document-added"),
        pytest.param(b"a: 1\n---\nb: 2\n", b"a: 1\n---\nb: 2\n---\nc: 3\n", [(2, 1, "document 3 differs from what kconf render writes")], id="document-removed-at-last-document"),
        pytest.param(b"a: 1\n---\nb: 2\n---\nc: 3\n", b"a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n",
                     [(4, 1, "document 4 differs from what kconf render writes")], id="document-removed-after-three"),
        pytest.param(b"a: 1\n", b"a: 1\n---\nb: 2\n---\nc: 3\n",
                     [(1, 1, "document 2 differs from what kconf render writes"), (1, 1, "document 3 differs from what kconf render writes")],
                     id="two-documents-removed"),
        pytest.param(b"", b"a: 1\n", [(1, 1, "document 1 differs from what kconf render writes")], id="every-document-removed"),
        pytest.param(b"---\n---\na: 2\n", b"a: 1\n", [(3, 4, "a is 2, kconf render writes 1" + TAIL)], id="empty-documents-skipped"),
        pytest.param(b"a: " + X58.encode() + b"\n", b"a: 1\n", [(1, 4, f"a is '{X58}', kconf render writes 1" + TAIL)], id="value-of-60-shown-whole"),
        pytest.param(b"a: " + X59.encode() + b"\n", b"a: 1\n", [(1, 4, f"a is {CUT}, kconf render writes 1" + TAIL)], id="value-of-61-cut"),
        pytest.param(b"a: " + X70.encode() + b"\n", b"a: 1\n", [(1, 4, f"a is {CUT}, kconf render writes 1" + TAIL)], id="long-value-cut"),
    ],
)
def test_yaml_drift(on_disk: bytes, rendered: bytes, expected: list[tuple[int, int, str]]) -> None:
    assert yaml_findings(on_disk, rendered) == [("rendered-drift", "f.yaml", *e) for e in expected]


@pytest.mark.parametrize(
    ("on_disk", "rendered", "expected"),
    [
        pytest.param(b"a\nX\nb\n", b"a\nb\n", [(2, "line added by hand: 'X'")], id="added"),
        pytest.param(b"a\nX\nY\nb\n", b"a\nb\n", [(2, "line added by hand: 'X' (and 1 more line)")], id="two-added"),
        pytest.param(b"a\nX\nY\nZ\nb\n", b"a\nb\n", [(2, "line added by hand: 'X' (and 2 more lines)")], id="three-added"),
        pytest.param(b"X\na\nY\n", b"a\n", [(1, "line added by hand: 'X'"), (3, "line added by hand: 'Y'")], id="added-before-and-after"),
        pytest.param(b"a\nc\n", b"a\nb\nc\n", [(2, "line removed by hand: kconf render writes 'b' here")], id="removed"),
        pytest.param(b"a\n", b"a\nb\n", [(1, "line removed by hand: kconf render writes 'b' here")], id="removed-at-end"),
        pytest.param(b"", b"a\n", [(1, "line removed by hand: kconf render writes 'a' here")], id="emptied"),
        pytest.param(b"a\n  B  \nc\n", b"a\n  b  \nc\n", [(2, "line changed by hand: kconf render writes 'b'")], id="changed"),
        pytest.param(b"a\nB\nC\nD\nc\n", b"a\nb\nx\nc\n", [(2, "line changed by hand: kconf render writes 'b' (and 2 more lines)")], id="block-changed"),
        pytest.param(b"\xff\n", b"a\n", [(1, "line changed by hand: kconf render writes 'a'")], id="not-utf-8"),
        pytest.param(b"a\nb\n", b"a\nb\n", [], id="same"),
        # 253 equal lines are more than 1% of the file: difflib's autojunk would
        # leave the 3 after the change unmatched and count them as changed too
        pytest.param(b"x\n" * 250 + b"b\n" + b"x\n" * 3, b"x\n" * 250 + b"a\n" + b"x\n" * 3,
                     [(251, "line changed by hand: kconf render writes 'a'")], id="many-equal-lines"),
    ],
)
def test_text_drift(on_disk: bytes, rendered: bytes, expected: list[tuple[int, str]]) -> None:
    assert text_findings(on_disk, rendered) == [("rendered-drift", line, message + TAIL) for line, message in expected]


# --- the rule over an output folder (a stand-in group: cluster.path, output_dir, rendered(), and
# Group's flags: not fetched with --cluster, not render's in-memory gate, no description source,
# so no sibling description can own the folder) ---


def group(root: Path, files: dict[str, tuple[bytes, int]] | Exception) -> SimpleNamespace:
    def rendered() -> dict[str, tuple[bytes, int]]:
        if isinstance(files, Exception):
            raise files
        return files

    return SimpleNamespace(
        cluster=SimpleNamespace(path=root / "cluster.yaml", name="lab"), output_dir=root / "lab", rendered=rendered,
        fetched=False, in_memory=False, cluster_file=None,
    )


def findings(root: Path, the_group: SimpleNamespace) -> list[tuple[str, str, int, int, str]]:
    return [
        (f.rule, os.path.relpath(f.loc.path, root), f.loc.line, f.loc.column, f.message.replace(str(root) + "/", ""))
        for f in rendered_drift(the_group)
    ]


def lay_out(root: Path, files: dict[str, tuple[str, int]]) -> None:
    (root / "lab").mkdir()
    for name, (text, mode) in files.items():
        (root / "lab" / name).write_text(text)
        (root / "lab" / name).chmod(mode)


def test_each_kind_of_drift_in_a_folder(tmp_path: Path) -> None:
    lay_out(tmp_path, {
        "a.yaml": ("a: 2\n", 0o644), "hosts": ("y\n", 0o644), "join-x.sh": ("#!/bin/sh\n", 0o644),
        "join-y.sh": ("#!/bin/sh\n", 0o744), "calico.yaml": ("c: 1\n", 0o640),
        "join-old.sh": ("#!/bin/sh\n# Generated by kconf from cluster.yaml\n", 0o755),
        "join-mine.sh": ("#!/bin/sh\n# written by hand\n", 0o755), "b.yml": ("b: [1, 2]\n", 0o644),
    })  # fmt: skip
    rendered = {
        "a.yaml": (b"a: 1\n", 0o644), "gone.yaml": (b"g: 1\n", 0o644), "hosts": (b"x\n", 0o644),
        "join-x.sh": (b"#!/bin/sh\n", 0o755), "join-y.sh": (b"#!/bin/sh\n", 0o755), "calico.yaml": (b"c: 1\n", 0o644),
        "b.yml": (b"b: [1,  2]\n", 0o644),
    }  # fmt: skip
    # missing files and modes are reported as the folder is walked; content drift after it, once
    # every file is read (the evidence of a hand edit compares a file with the rest of the folder)
    assert findings(tmp_path, group(tmp_path, rendered)) == [
        ("rendered-drift", "cluster.yaml", 1, 1, "lab/gone.yaml is missing; run kconf render cluster.yaml"),
        ("rendered-drift", "lab/join-x.sh", 1, 1, "file mode is 644, kconf render writes 755"),
        ("rendered-drift", "lab/join-y.sh", 1, 1, "file mode is 744, kconf render writes 755"),
        # a changed value and no evidence of an edit: an earlier render, one finding at the change
        ("rendered-drift", "lab/a.yaml", 1, 4, "the description changed since it was rendered: run kconf render (a: kconf render now writes 1)"),
        # a line kconf never writes in hosts ('y' is no directive of its render): edited by hand
        ("rendered-drift", "lab/hosts", 1, 1, "line changed by hand: kconf render writes 'x'" + TAIL),
        ("rendered-drift", "lab/join-old.sh", 1, 1, "kconf render no longer writes this file (a node was removed?); delete it"),
    ]


@pytest.mark.parametrize(
    ("error", "line"),
    [pytest.param(KconfError("bad port", "cluster.yaml", 7), 7, id="with-line"), pytest.param(KconfError("bad port"), 1, id="without-line")],
)
def test_a_description_that_does_not_render(tmp_path: Path, error: KconfError, line: int) -> None:
    (tmp_path / "lab").mkdir()
    assert findings(tmp_path, group(tmp_path, error)) == [
        ("rendered-drift", "cluster.yaml", line, 1, "cannot render to compare: bad port")
    ]


def test_nothing_to_compare_without_a_description_or_a_folder(tmp_path: Path) -> None:
    files = {"hosts": (b"x\n", 0o644)}
    flags = {"fetched": False, "in_memory": False, "cluster_file": None}
    assert list(rendered_drift(SimpleNamespace(cluster=None, output_dir=tmp_path, rendered=lambda: files, **flags))) == []
    no_folder = SimpleNamespace(cluster=SimpleNamespace(path=tmp_path / "c.yaml"), output_dir=None, rendered=lambda: files, **flags)
    assert list(rendered_drift(no_folder)) == []


def test_unreadable_and_unloadable_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kconf.fsio
    import kconf.render

    lay_out(tmp_path, {"hosts": ("y\n", 0o644), "haproxy.cfg": ("h\n", 0o755), "calico.yaml": ("c: 2\n", 0o644)})
    real = kconf.render.holds_exactly
    monkeypatch.setattr(kconf.render, "holds_exactly", lambda target, data: None if target.name == "haproxy.cfg" else real(target, data))

    def read_bytes(path: str) -> bytes:
        raise KconfError("over 50 MB")

    monkeypatch.setattr(kconf.fsio, "read_bytes", read_bytes)
    rendered = {"haproxy.cfg": (b"h\n", 0o644), "hosts": (b"x\n", 0o644), "calico.yaml": (b"c: 1\n", 0o644)}
    assert findings(tmp_path, group(tmp_path, rendered)) == [
        ("rendered-drift", "lab/haproxy.cfg", 1, 1, "cannot be read to compare with what kconf render writes"),
        ("rendered-drift", "lab/hosts", 1, 1, "differs from what kconf render writes (over 50 MB)"),
        ("rendered-drift", "lab/calico.yaml", 1, 1, "differs from what kconf render writes (over 50 MB)"),
    ]


def test_a_file_too_big_to_load_is_reported_at_line_1(monkeypatch: pytest.MonkeyPatch) -> None:
    import kconf.yamlio

    monkeypatch.setattr(kconf.yamlio, "MAX_BYTES", 10)
    assert yaml_findings(b"a: 1234567\n", b"a: 1\n") == [
        ("rendered-drift", "f.yaml", 1, 1, "no longer loads as YAML (file is 11 bytes; kconf reads YAML files up to 10 bytes); re-render it")
    ]


# --- CR LF line ends: one finding per file, at the first CR LF line ---

CONVERT = "kconf render writes LF{}: convert it back (dos2unix) or re-render"
BASH = " (bash reads each CR as part of a command: the script no longer runs)"


@pytest.mark.parametrize(
    ("path", "on_disk", "rendered", "expected"),
    [
        pytest.param("f", b"a\nb\n", b"a\nb\n", [], id="lf-only"),
        pytest.param("f", b"", b"a\n", [], id="empty"),
        pytest.param("f", b"a\r\nb\r\n", b"a\r\nb\r\n", [], id="rendered-with-crlf"),
        pytest.param("f", b"a\nb\r\n", b"a\r\n", [], id="rendered-with-one-crlf"),
        pytest.param("f", b"a\r\nb\r\n", b"a\nb\n", [(1, "line endings are CRLF; " + CONVERT.format(""))], id="all-crlf"),
        pytest.param("f", b"\r\n", b"\n", [(1, "line endings are CRLF; " + CONVERT.format(""))], id="one-empty-crlf-line"),
        pytest.param("f", b"a\nb\r\nc\n", b"a\nb\nc\n", [(2, "line endings are CRLF on 1 of 3 lines; " + CONVERT.format(""))], id="second-of-three"),
        pytest.param("f", b"a\nb\nc\r\nd\r\n", b"", [(3, "line endings are CRLF on 2 of 4 lines; " + CONVERT.format(""))], id="third-of-four"),
        pytest.param("f", b"\na\r\n", b"", [(2, "line endings are CRLF on 1 of 2 lines; " + CONVERT.format(""))], id="after-an-empty-first-line"),
        pytest.param("f", b"\r\na\n", b"", [(1, "line endings are CRLF on 1 of 2 lines; " + CONVERT.format(""))], id="first-of-two"),
        pytest.param("f", b"a\r\nb", b"", [(1, "line endings are CRLF; " + CONVERT.format(""))], id="no-final-line-end"),
        pytest.param("join-cp1.sh", b"#!/bin/bash\r\nexit 0\r\n", b"#!/bin/bash\nexit 0\n",
                     [(1, "line endings are CRLF; " + CONVERT.format(BASH))], id="join-script"),
        pytest.param("lab/join-cp1.sh", b"#!/bin/bash\nexit 0\r\n", b"",
                     [(2, "line endings are CRLF on 1 of 2 lines; " + CONVERT.format(BASH))], id="join-script-partly"),
        pytest.param("haproxy.cfg", b"a\r\n", b"", [(1, "line endings are CRLF; " + CONVERT.format(""))], id="not-a-script"),
        pytest.param("x.sh.bak", b"a\r\n", b"", [(1, "line endings are CRLF; " + CONVERT.format(""))], id="sh-not-at-the-end"),
        pytest.param("sh", b"a\r\n", b"", [(1, "line endings are CRLF; " + CONVERT.format(""))], id="named-sh"),
    ],
)
def test_crlf_drift(path: str, on_disk: bytes, rendered: bytes, expected: list[tuple[int, str]]) -> None:
    found = [(f.rule, f.loc.path, f.loc.line, f.loc.column, f.message) for f in _crlf_drift(path, on_disk, rendered)]
    assert found == [("rendered-drift", path, line, 1, message) for line, message in expected]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        pytest.param("hosts", "10.0.0.1 cp1\n", (1, "line endings are CRLF; " + CONVERT.format("")), id="text"),
        pytest.param("join-cp1.sh", "#!/bin/bash\nexit 0\n", (1, "line endings are CRLF; " + CONVERT.format(BASH)), id="script"),
        pytest.param("a.yaml", "a: 1\nb: 2\n", (1, "line endings are CRLF; " + CONVERT.format("")), id="yaml"),
    ],
)
def test_a_converted_file_is_a_hand_edit_not_an_earlier_render(tmp_path: Path, name: str, data: str, expected: tuple[int, str]) -> None:
    lay_out(tmp_path, {name: (data, 0o644)})
    (tmp_path / "lab" / name).write_bytes(data.replace("\n", "\r\n").encode())
    line, message = expected
    assert findings(tmp_path, group(tmp_path, {name: (data.encode(), 0o644)})) == [("rendered-drift", f"lab/{name}", line, 1, message)]


# --- what a line is, for "does kconf write such a line" ---


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("", ""), ("   ", ""), ("# c", "#"), ("#x y", "#"), ("  # indented", "#"),
        ("10.0.0.1 cp1", "address"), ("::1 localhost", "address"), ("  10.0.0.2", "address"),
        ("option httpchk GET /healthz", "option httpchk"), ("no option redispatch", "no option"),
        ("option", "option"), ("no", "no"), ("server cp1 10.0.0.1:6443 check", "server"),
        ("  bind :6443", "bind"), ("a b c", "a"), ("options x", "options"), ("nob x", "nob"),
        ("10.0.0.0/24 x", "10.0.0.0/24"), ("X#y", "X#y"), ("option httpchk", "option httpchk"), ("no option", "no option"),
    ],
)  # fmt: skip
def test_directive(line: str, expected: str) -> None:
    assert _directive(line) == expected


# --- what a changed block tells: evidence of a hand edit, the values render writes, what added lines name ---

S1, S2, S9 = b"server cp1 10.0.0.1:6443 check\n", b"server cp2 10.0.0.2:6443 check\n", b"server cp1 10.0.0.9:6443 check\n"


@pytest.mark.parametrize(
    ("on_disk", "rendered", "hand", "values", "tokens", "first", "summary"),
    [
        pytest.param(S1 + S2, S1, False, [], ["10.0.0.2:6443"], 2, "kconf render no longer writes 'server cp2 10.0.0.2:6443 check'", id="server-added"),
        pytest.param(S1 + b"server cp3 10.0.0.3:6443 check\n" + S2, S1 + S2, False, [], ["10.0.0.3:6443"], 2,
                     "kconf render no longer writes 'server cp3 10.0.0.3:6443 check'", id="server-added-between"),
        pytest.param(S9, S1, False, ["10.0.0.1:6443"], [], 1, "kconf render now writes 'server cp1 10.0.0.1:6443 check'", id="value-changed"),
        pytest.param(b"server cp1 10.0.0.1:6443 weight 1\n", S1, False, [], [], 1, "kconf render now writes 'server cp1 10.0.0.1:6443 check'",
                     id="changed-keeping-the-value"),
        pytest.param(S1, S1 + S2, False, ["10.0.0.2:6443"], [], 1, "kconf render now writes 'server cp2 10.0.0.2:6443 check'", id="server-removed"),
        pytest.param(b"a\n", b"a\nserver cp2 10.0.0.2:6443 check\nserver cp3 10.0.0.3:6443 check\n", False, ["10.0.0.2:6443", "10.0.0.3:6443"], [], 1,
                     "kconf render now writes 'server cp2 10.0.0.2:6443 check'", id="two-removed"),
        pytest.param(b"server  cp1 10.0.0.1:6443 check\n", S1, True, [], [], 1, "kconf render now writes 'server cp1 10.0.0.1:6443 check'", id="other-spacing"),
        pytest.param(b"listen cp1 10.0.0.1:6443 check\n", S1, True, [], [], 1, "kconf render now writes 'server cp1 10.0.0.1:6443 check'", id="new-directive"),
        pytest.param(b"# kconf\n# mine\nx\n", b"# kconf\nx\n", True, [], [], 2, "kconf render no longer writes '# mine'", id="comment-added"),
        pytest.param(b"# kconf\n   # mine\nx\n", b"# kconf\nx\n", True, [], [], 2, "kconf render no longer writes '# mine'", id="indented-comment-added"),
        pytest.param(b"# other\nx\n", b"# kconf\nx\n", False, [], [], 1, "kconf render now writes '# kconf'", id="comment-changed"),
        pytest.param(b"x\n", b"x\nx\n", False, [], [], 1, "kconf render now writes 'x'", id="line-removed"),
        pytest.param(b"a 1\nb\n", b"a 1\n", True, [], [], 2, "kconf render no longer writes 'b'", id="unknown-line-added"),
        pytest.param(b"server cp1 10.0.0.9:6443\nx\nserver cp2 10.0.0.8:6443\n", b"server cp1 10.0.0.1:6443\nx\nserver cp2 10.0.0.2:6443\n",
                     False, ["10.0.0.1:6443", "10.0.0.2:6443"], [], 1, "kconf render now writes 'server cp1 10.0.0.1:6443'", id="two-blocks-changed"),
        pytest.param(b"x\nserver cp2 10.0.0.2:6443\nx\nserver cp3 10.0.0.3:6443\n", b"x\nx\n",
                     True, [], ["10.0.0.2:6443", "10.0.0.3:6443"], 2, "kconf render no longer writes 'server cp2 10.0.0.2:6443'", id="two-blocks-added"),
    ],
)
def test_text_drift_evidence(on_disk: bytes, rendered: bytes, hand: bool, values: list[str], tokens: list[str], first: int, summary: str) -> None:
    drift = text_drift(on_disk, rendered)
    assert (drift.hand, drift.rendered_values, sorted(drift.added_tokens), drift.first, drift.summary) == (
        hand, values, tokens, Loc("f", first), summary,
    )


@pytest.mark.parametrize(
    ("on_disk", "rendered", "hand", "values", "first", "summary"),
    [
        pytest.param(b"ip: 10.0.0.2\n", b"ip: 10.0.0.1\n", False, ["10.0.0.1"], (1, 5), "ip: kconf render now writes '10.0.0.1'", id="distinct-changed"),
        pytest.param(b"a: 2\n", b"a: 1\n", False, [], (1, 4), "a: kconf render now writes 1", id="number-changed"),
        pytest.param(b"a: abcd\n", b"a: abc\n", False, [], (1, 4), "a: kconf render now writes 'abc'", id="no-digit"),
        pytest.param(b"a: 1\n", b"a: 1\nb:\n  ip: 10.0.0.1\n  n: x\n  l: [v1.30.0, 7]\n", False, ["10.0.0.1", "v1.30.0"], (1, 1),
                     "kconf render now writes b", id="distinct-removed"),
        pytest.param(b"l: [a]\n", b"l: [a, 10.0.0.1]\n", False, ["10.0.0.1"], (1, 4), "kconf render now writes l[1]", id="item-removed"),
        pytest.param(b"a: 1\nc: 10.0.0.1\nm:\n  c: 2\n", b"a: 1\nm:\n  c: 2\n", False, [], (2, 1), "c is not written now", id="written-key-added"),
        pytest.param(b"a: 1\nzz: 1\n", b"a: 1\n", True, [], (2, 1), "zz is not written now", id="unknown-key-added"),
        pytest.param(b"k: 3\nl:\n- k: 1\n- j: 2\n", b"l:\n- k: 1\n- j: 2\n", False, [], (1, 1), "k is not written now", id="key-written-in-a-list-item-added"),
        pytest.param(b"a: 1\n", b"a: 1\nb: 10.0.0.1\nc: 10.0.0.2\n", False, ["10.0.0.1", "10.0.0.2"], (1, 1), "kconf render now writes b", id="two-removed"),
        pytest.param(b"m:\n  zz: 1\n", b"m: {}\n", True, [], (2, 3), "m.zz is not written now", id="unknown-nested-key-added"),
        pytest.param(b"l: [a, zz]\n", b"l: [a]\n", False, [], (1, 8), "l[1] is not written now", id="item-added"),
        pytest.param(b"a: 1\n---\nzz: 1\n", b"a: 1\n", False, [], (3, 1), "the document is not written now", id="document-added"),
        pytest.param(b"a: 1\n", b"a: 1\n---\nb: 2\n", False, [], (1, 1), "", id="document-removed"),
        pytest.param(b"a: [\n", b"a: 1\n", True, [], None, "", id="broken"),
        pytest.param(b"a: 1\n", b"a: 1\n", False, [], None, "", id="same"),
    ],
)
def test_yaml_drift_evidence(on_disk: bytes, rendered: bytes, hand: bool, values: list[str], first: tuple[int, int] | None, summary: str) -> None:
    drift = yaml_drift(on_disk, rendered)
    assert (drift.hand, drift.rendered_values, drift.added_tokens, drift.first, drift.summary) == (
        hand, values, [], None if first is None else Loc("f.yaml", *first), summary,
    )


# --- whose render the output folder is (output-folder-clash) ---

TWIN = BASE_CLUSTER.replace("podSubnet: 172.16.0.0/16", "podSubnet: 172.20.0.0/16")
TRIPLET = BASE_CLUSTER.replace("podSubnet: 172.16.0.0/16", "podSubnet: 172.24.0.0/16")
HOLDS = "which holds its render"
CANNOT_TELL = "and kconf cannot tell which one it was rendered from"


def clashes(root: Path) -> list[tuple[str, int, int, str]]:
    return [
        (os.path.relpath(f.path, root), f.line, f.column, f.message.replace(str(root), "ROOT"))
        for f in lint(root, select="output-folder-clash")
    ]


def clash(owner: str, holds: str) -> str:
    return f"{owner} has the same metadata.name 'lab' and renders into the same folder ROOT/lab, {holds}: give this description its own metadata.name"


def test_the_folder_owner_is_the_best_match_of_several_siblings(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(TWIN)  # matches none of the folder's files: the first candidate, then replaced
    render_into(tmp_path, BASE_CLUSTER, name="b.yaml")
    (tmp_path / "c.yaml").write_text(TRIPLET)
    assert clashes(tmp_path) == [("a.yaml", 4, 9, clash("b.yaml", HOLDS)), ("c.yaml", 4, 9, clash("b.yaml", HOLDS))]


def test_a_folder_that_matches_no_sibling_goes_to_the_first_by_name(tmp_path: Path) -> None:
    render_into(tmp_path, BASE_CLUSTER, name="d.yaml")
    (tmp_path / "d.yaml").unlink()  # the folder's own description is gone: nothing matches
    (tmp_path / "0.yaml").write_text(TWIN.replace("name: lab\n", "name: lab-2\n", 1))  # another name: no sibling
    (tmp_path / "a.yaml").write_text(BASE_CLUSTER)
    (tmp_path / "b.yml").write_text(TWIN)
    (tmp_path / "c.yaml").write_text(TRIPLET)
    (tmp_path / "junk.yaml").write_bytes(b"\xff\xfe not UTF-8\n")
    assert clashes(tmp_path) == [("b.yml", 4, 9, clash("a.yaml", CANNOT_TELL)), ("c.yaml", 4, 9, clash("a.yaml", CANNOT_TELL))]


def test_a_folder_with_an_edited_file_still_goes_to_its_best_match(tmp_path: Path) -> None:
    out = render_into(tmp_path, BASE_CLUSTER, name="a.yaml")
    (out / "hosts").write_text((out / "hosts").read_text() + "10.0.0.9 extra\n")
    (tmp_path / "b.yaml").write_text(TWIN)
    assert clashes(tmp_path) == [("b.yaml", 4, 9, clash("a.yaml", CANNOT_TELL))]


def test_a_sibling_that_does_not_load_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "0.yaml").write_text(TWIN.replace("address: 192.168.51.81/24", "address: not-an-address"))
    render_into(tmp_path, BASE_CLUSTER, name="a.yaml")
    (tmp_path / "b.yaml").write_text(TWIN)
    assert clashes(tmp_path) == [("b.yaml", 4, 9, clash("a.yaml", HOLDS))]


# --- the folder: which differences are evidence of a hand edit, and which files are earlier renders ---


def folder(root: Path, on_disk: dict[str, str], rendered: dict[str, str]) -> SimpleNamespace:
    lay_out(root, {name: (text, 0o644) for name, text in on_disk.items()})
    return group(root, {name: (text.encode(), 0o644) for name, text in rendered.items()})


HEADER = "# Generated by kconf from cluster.yaml\n"


@pytest.mark.parametrize(
    ("on_disk", "rendered", "expected"),
    [
        pytest.param({"a.yaml": "b: 1\na: 1\n", "b.yaml": "b: 2\n"}, {"a.yaml": "a: 1\nb: 1\n", "b.yaml": "b: 1\n"},
                     [("lab/b.yaml", 1, 4, CHANGED + " (b: kconf render now writes 1)")], id="after-a-reordered-file"),
        pytest.param({"hosts": "10.0.0.1 cp1\n10.0.0.9 extra\n"}, {"hosts": "10.0.0.1 cp1\n"},
                     [("lab/hosts", 2, 1, "line added by hand: '10.0.0.9 extra'" + TAIL)], id="added-name-no-other-file-knows"),
        pytest.param({"hosts": "10.0.0.1 cp1\n10.0.0.9 extra\n", "b.yaml": "ip: 10.0.0.9\n"}, {"hosts": "10.0.0.1 cp1\n", "b.yaml": "ip: 10.0.0.9\n"},
                     [("lab/hosts", 2, 1, CHANGED + " (kconf render no longer writes '10.0.0.9 extra')")], id="added-name-another-file-knows"),
        pytest.param({"a.yaml": "ip: 10.0.0.2\n", "b.yaml": "ip: 10.0.0.1\n"}, {"a.yaml": "ip: 10.0.0.1\n", "b.yaml": "ip: 10.0.0.1\n"},
                     [("lab/a.yaml", 1, 5, "ip is '10.0.0.2', kconf render writes '10.0.0.1'" + TAIL)], id="value-still-in-an-up-to-date-file"),
        pytest.param({"a.yaml": "ip: 10.0.0.2\n", "b.yaml": "ip: 10.0.0.5\n"}, {"a.yaml": "ip: 10.0.0.1\n", "b.yaml": "ip: 10.0.0.1\n"},
                     [("lab/a.yaml", 1, 5, CHANGED + " (ip: kconf render now writes '10.0.0.1')"),
                      ("lab/b.yaml", 1, 5, CHANGED + " (ip: kconf render now writes '10.0.0.1')")], id="value-changed-everywhere"),
        pytest.param({"hosts": "# Generated by kconf from old.yaml\n10.0.0.1 cp1\n"}, {"hosts": HEADER + "10.0.0.1 cp1\n"},
                     [("lab/hosts", 1, 1, "line changed by hand: kconf render writes '# Generated by kconf from cluster.yaml'" + TAIL)],
                     id="header-altered"),
        pytest.param({"a.yaml": "a: 1\n"}, {"a.yaml": "a: 1\n---\nb: 2\n"}, [("lab/a.yaml", 1, 1, CHANGED)], id="no-summary"),
    ],
)
def test_evidence_across_the_folder(tmp_path: Path, on_disk: dict[str, str], rendered: dict[str, str], expected: list) -> None:
    assert findings(tmp_path, folder(tmp_path, on_disk, rendered)) == [("rendered-drift", *e) for e in expected]


@pytest.mark.parametrize(
    ("described_ns", "file_ns", "expected"),
    [
        pytest.param(0, 0, CHANGED + " (a: kconf render now writes 1)", id="both-at-0"),
        pytest.param(10**18, 10**18, CHANGED + " (a: kconf render now writes 1)", id="same-time"),
        pytest.param(10**18, 10**18 + 1, "a is 2, kconf render writes 1" + TAIL, id="file-newer"),
        pytest.param(10**18 + 1, 10**18, CHANGED + " (a: kconf render now writes 1)", id="description-newer"),
    ],
)
def test_modification_times(tmp_path: Path, described_ns: int, file_ns: int, expected: str) -> None:
    the_group = folder(tmp_path, {"a.yaml": "a: 2\n"}, {"a.yaml": "a: 1\n"})
    (tmp_path / "cluster.yaml").write_text("x: 1\n")
    os.utime(tmp_path / "cluster.yaml", ns=(described_ns, described_ns))
    os.utime(tmp_path / "lab" / "a.yaml", ns=(file_ns, file_ns))
    assert findings(tmp_path, the_group) == [("rendered-drift", "lab/a.yaml", 1, 4, expected)]


def test_a_calico_manifest_that_does_not_render_is_left_to_calico_manifest(tmp_path: Path) -> None:
    (tmp_path / "lab").mkdir()
    error = KconfError("cannot read the manifest", "cluster.yaml", 9, ("spec", "calico", "manifest"))
    assert findings(tmp_path, group(tmp_path, error)) == []
    other = KconfError("bad", "cluster.yaml", 9, ("spec", "calico", "mtu"))
    assert findings(tmp_path, group(tmp_path, other)) == [("rendered-drift", "cluster.yaml", 9, 1, "cannot render to compare: bad")]


@pytest.mark.parametrize(
    ("flags", "cluster_file", "expected"),
    [
        pytest.param({}, None, ["lab/a.yaml", "lab/join-old.sh"], id="an-earlier-render-and-a-stale-file"),
        pytest.param({}, SimpleNamespace(broken=set(), view=None), ["lab/a.yaml", "lab/join-old.sh"], id="description-loads"),
        pytest.param({}, SimpleNamespace(broken={COMPLETE}, view=None), [], id="description-broken"),
        pytest.param({"in_memory": True}, None, [], id="render-gate"),
        pytest.param({"fetched": True}, None, [], id="fetched"),
        pytest.param({"output_dir": None}, None, [], id="no-folder"),
        pytest.param({"cluster": None}, None, [], id="no-description"),
    ],
)
def test_earlier_renders(tmp_path: Path, flags: dict, cluster_file: object, expected: list[str]) -> None:
    the_group = folder(tmp_path, {"a.yaml": "a: 2\n", "b.yaml": "b: 1\n", "join-old.sh": "# Generated by kconf from cluster.yaml\n"},
                       {"a.yaml": "a: 1\n", "b.yaml": "b: 1\n"})
    the_group.cluster_file = cluster_file
    for name, value in flags.items():
        setattr(the_group, name, value)
    assert sorted(os.path.relpath(p, tmp_path) for p in earlier_renders(the_group)) == expected


def test_analyse_is_not_fooled_by_a_reused_id(tmp_path: Path) -> None:
    the_group = folder(tmp_path, {"a.yaml": "a: 2\n"}, {"a.yaml": "a: 1\n"})
    stale = SimpleNamespace(drift=[], clash=[], earlier_renders=frozenset())
    _ANALYSED[id(the_group)] = (SimpleNamespace(), stale)  # another group that had this id
    assert analyse(the_group) is not stale
    assert [f.message for f in analyse(the_group).drift] == [CHANGED + " (a: kconf render now writes 1)"]
    assert analyse(the_group) is analyse(the_group)


KUBEADM = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.31.2\nnetworking:\n  podSubnet: {}\n"


@pytest.mark.parametrize(
    ("subnet", "expected"),
    [
        # the file alone has a finding (cidr-host-bits) its render has not: render is lint-gated, so an edit
        pytest.param("10.244.0.1/16", "networking.podSubnet is '10.244.0.1/16', kconf render writes '10.244.0.0/16'" + TAIL, id="new-finding"),
        pytest.param("10.245.0.0/16", CHANGED + " (networking.podSubnet: kconf render now writes '10.244.0.0/16')", id="no-new-finding"),
    ],
)
def test_a_finding_the_file_alone_has_is_evidence(tmp_path: Path, subnet: str, expected: str) -> None:
    the_group = folder(tmp_path, {"kubeadm-init.yaml": KUBEADM.format(subnet)}, {"kubeadm-init.yaml": KUBEADM.format("10.244.0.0/16")})
    assert findings(tmp_path, the_group) == [("rendered-drift", "lab/kubeadm-init.yaml", 5, 14, expected)]


def test_a_sibling_named_yml_owns_the_folder(tmp_path: Path) -> None:
    render_into(tmp_path, BASE_CLUSTER, name="a.yml")
    (tmp_path / "b.yaml").write_text(TWIN)
    assert clashes(tmp_path) == [("b.yaml", 4, 9, clash("a.yml", HOLDS))]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        pytest.param({}, [("b.yaml", 4, 9, "output-folder-clash")], id="linted"),
        pytest.param({"in_memory": True}, [], id="render-gate"),
        pytest.param({"fetched": True}, [], id="fetched"),
        pytest.param({"output_dir": None}, [], id="no-folder"),
    ],
)
def test_output_folder_clash_runs_only_on_a_folder_linted_from_disk(tmp_path: Path, flags: dict, expected: list) -> None:
    from kconf.description import load_cluster
    from kconf.lint.rules.drift import output_folder_clash
    from kconf.render import render_files

    render_into(tmp_path, BASE_CLUSTER, name="a.yaml")
    (tmp_path / "b.yaml").write_text(TWIN)
    ours = {name: (file.data, file.mode) for name, file in render_files(load_cluster(str(tmp_path / "b.yaml"))).items()}
    the_group = SimpleNamespace(
        cluster=SimpleNamespace(path=tmp_path / "b.yaml", name="lab"), output_dir=tmp_path / "lab", rendered=lambda: ours,
        fetched=False, in_memory=False, cluster_file=SimpleNamespace(broken=set(), view=SimpleNamespace(loc=lambda _field: Loc("b.yaml", 4, 9))),
    )
    for name, value in flags.items():
        setattr(the_group, name, value)
    assert [(f.loc.path, f.loc.line, f.loc.column, f.rule) for f in output_folder_clash(the_group)] == expected


def test_an_unreadable_file_leaves_the_rest_of_the_folder_compared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kconf.fsio

    the_group = folder(tmp_path, {"calico.yaml": "c: 2\n", "hosts": "10.0.0.1 cp1\n10.0.0.9 extra\n"},
                       {"calico.yaml": "c: 1\n", "hosts": "10.0.0.1 cp1\n"})
    real = kconf.fsio.read_bytes

    def read_bytes(path: str) -> bytes:
        if path.endswith("calico.yaml"):
            raise KconfError("over 50 MB")
        return real(path)

    monkeypatch.setattr(kconf.fsio, "read_bytes", read_bytes)
    assert findings(tmp_path, the_group) == [
        ("rendered-drift", "lab/calico.yaml", 1, 1, "differs from what kconf render writes (over 50 MB)"),
        ("rendered-drift", "lab/hosts", 2, 1, "line added by hand: '10.0.0.9 extra'" + TAIL),
    ]


def test_siblings_are_found_by_the_first_64_kib_of_a_description(tmp_path: Path) -> None:
    end = BASE_CLUSTER.index("  name: lab\n") + len("  name: lab")
    padded = "#" + "x" * (65537 - end - 2) + "\n" + BASE_CLUSTER  # its name line's last "b" is the 65537th character
    assert padded[65535:65537] == "ab"
    render_into(tmp_path, padded, name="a.yaml")
    (tmp_path / "b.yaml").write_text(TWIN)
    assert clashes(tmp_path) == []  # a.yaml's metadata.name is read as "la": no sibling of b.yaml
    (tmp_path / "a.yaml").write_text("#" + padded[2:])  # one character earlier: the whole name is read
    assert [c[:3] for c in clashes(tmp_path)] == [("b.yaml", 4, 9)]


def test_a_fetched_group_is_compared_file_by_file(tmp_path: Path) -> None:
    the_group = SimpleNamespace(cluster=SimpleNamespace(path=tmp_path / "cluster.yaml"), fetched=True, files=[],
                                rendered=lambda: (_ for _ in ()).throw(KconfError("bad port", "cluster.yaml", 7)))
    assert [(f.loc.line, f.message) for f in rendered_drift(the_group)] == [(7, "cannot render to compare: bad port")]


def test_the_drift_records_keep_what_they_are_given() -> None:
    # FileDrift and FolderDrift are plain classes (no @dataclass): each argument
    # is kept as given, and a missing list is a fresh one.
    finding, loc = object(), Loc("f", 3)
    findings, values, tokens = [finding], ["a"], ["b"]
    given = FileDrift("f", findings, True, loc, "s", values, tokens)  # type: ignore[arg-type]
    assert (given.path, given.hand, given.first, given.summary) == ("f", True, loc, "s")
    assert given.findings is findings and given.rendered_values is values and given.added_tokens is tokens
    fresh, other = FileDrift("f"), FileDrift("f")
    assert (fresh.findings, fresh.hand, fresh.first, fresh.summary, fresh.rendered_values, fresh.added_tokens) == ([], False, None, "", [], [])
    assert fresh.findings is not other.findings and fresh.rendered_values is not other.rendered_values
    assert fresh.added_tokens is not other.added_tokens
    drift, clash, earlier = [finding], [finding], frozenset({"x"})
    folder = FolderDrift(drift, clash, earlier)  # type: ignore[arg-type]
    assert folder.drift is drift and folder.clash is clash and folder.earlier_renders is earlier
    empty, again = FolderDrift(), FolderDrift()
    assert (empty.drift, empty.clash, empty.earlier_renders) == ([], [], frozenset())
    assert empty.drift is not again.drift and empty.clash is not again.clash
