"""kconf lint --fix: exact results of fix_text and apply_fixes (text, changes, errors).

Written for the mutants of kconf/lint/fix.py that survived the rest of the
suite (see tools/mutation/run): every case writes down the whole text after
and every Change, refused ones with their old and new values and the exact
problem (which names the file where the loader's message does).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import kconf.lint.fix
from conftest import run_cli
from kconf.errors import KconfError
from kconf.lint.fix import Change, apply_fixes, fix_text
from kconf.lint.model import Finding, Replacement

SEVERAL_LINES = "the value is written over several lines"
ODD_BREAKS = "the file has line breaks other than LF and CRLF"


def finding(line: int, column: int, old: str, new: str, rule: str = "cidr-host-bits", path: str = "f.yaml") -> Finding:
    return Finding(path, line, column, rule, "error", "m", Replacement(old, new))


def change(line: int, column: int, old: str, new: str, problem: str = "", rule: str = "cidr-host-bits") -> Change:
    return Change("f.yaml", line, column, rule, old, new, problem)


@pytest.mark.parametrize(
    ("text", "fixes", "expected", "changes"),
    [
        # _edit 13 (and), 14 ("XX\nXX"), 18/19 (the message): a plain value over two LF lines
        pytest.param(
            "a: 10.1.2.3\n  /8\n", [finding(1, 4, "10.1.2.3 /8", "10.0.0.0/8")], "a: 10.1.2.3\n  /8\n",
            [change(1, 4, "10.1.2.3 /8", "10.0.0.0/8", SEVERAL_LINES)], id="plain-over-two-lines",
        ),
        pytest.param(
            'a: "10.1.2.3\n  /8"\n', [finding(1, 4, "10.1.2.3 /8", "10.0.0.0/8")], 'a: "10.1.2.3\n  /8"\n',
            [change(1, 4, "10.1.2.3 /8", "10.0.0.0/8", SEVERAL_LINES)], id="double-quoted-over-two-lines",
        ),
        pytest.param(
            "a: 10.1.2.3\r\n  /8\r\n", [finding(1, 4, "10.1.2.3 /8", "10.0.0.0/8")], "a: 10.1.2.3\r\n  /8\r\n",
            [change(1, 4, "10.1.2.3 /8", "10.0.0.0/8", SEVERAL_LINES)], id="crlf-over-two-lines",
        ),
        # a lone CR ends a line for the parser, not for Lines: refused (it was an IndexError)
        pytest.param(
            "a: 1\rb: 10.1.2.3/8\r", [finding(2, 4, "10.1.2.3/8", "10.0.0.0/8")], "a: 1\rb: 10.1.2.3/8\r",
            [change(2, 4, "10.1.2.3/8", "10.0.0.0/8", ODD_BREAKS)], id="cr-line-ends",
        ),
        pytest.param(
            "z: 1\nb: 10.1.2.3/8\ra: 10.1.2.3/8\n",
            [finding(2, 4, "10.1.2.3/8", "10.0.0.0/8"), finding(3, 4, "10.1.2.3/8", "10.0.0.0/8")],
            "z: 1\nb: 10.1.2.3/8\ra: 10.1.2.3/8\n",
            [change(2, 4, "10.1.2.3/8", "10.0.0.0/8", ODD_BREAKS), change(3, 4, "10.1.2.3/8", "10.0.0.0/8", ODD_BREAKS)],
            id="one-lone-cr",
        ),
        pytest.param(
            "a: x\x85b: 10.1.2.3/8\n", [finding(2, 4, "10.1.2.3/8", "10.0.0.0/8")], "a: x\x85b: 10.1.2.3/8\n",
            [change(2, 4, "10.1.2.3/8", "10.0.0.0/8", ODD_BREAKS)], id="next-line-character",
        ),
        # _refused 6/7: a refused change keeps the finding's old and new values
        pytest.param(
            "a: 10.9.9.9/8\n", [finding(1, 4, "10.1.2.3/8", "10.0.0.0/8")], "a: 10.9.9.9/8\n",
            [change(1, 4, "10.1.2.3/8", "10.0.0.0/8", "the value there is '10.9.9.9/8', not '10.1.2.3/8'")], id="refused-keeps-values",
        ),
        # _scalar_text 17/18: a quote inside a single-quoted value is doubled
        pytest.param("a: 'x'\n", [finding(1, 4, "x", "it's")], "a: 'it''s'\n", [change(1, 4, "x", "it's")], id="single-quote-doubled"),
        # _scalar_text 6/7: a double-quoted value is written in UTF-8, not as \u escapes
        pytest.param('a: "x"\n', [finding(1, 4, "x", "é-ü")], 'a: "é-ü"\n', [change(1, 4, "x", "é-ü")], id="double-quoted-unicode"),
        # _scalar_text 22: a plain value starting with X is neither a tag nor an anchor
        pytest.param("a: Xyz\n", [finding(1, 4, "Xyz", "new")], "a: new\n", [change(1, 4, "Xyz", "new")], id="plain-starting-with-x"),
        # fix_text 43: after a refused finding the next one is still made
        pytest.param(
            "a: 10.9.9.9/8\nb: 10.5.6.7/8\n",
            [finding(1, 4, "10.1.2.3/8", "10.0.0.0/8"), finding(2, 4, "10.5.6.7/8", "10.0.0.0/8")],
            "a: 10.9.9.9/8\nb: 10.0.0.0/8\n",
            [
                change(1, 4, "10.1.2.3/8", "10.0.0.0/8", "the value there is '10.9.9.9/8', not '10.1.2.3/8'"),
                change(2, 4, "10.5.6.7/8", "10.0.0.0/8"),
            ],
            id="refused-then-fixed",
        ),
        # fix_text 57: after a conflicting finding the next one is still made
        pytest.param(
            "a: 10.1.2.3/8\nb: 10.5.6.7/8\n",
            [
                finding(1, 4, "10.1.2.3/8", "10.0.0.0/8"),
                finding(1, 4, "10.1.2.3/8", "10.1.0.0/16", "other"),
                finding(2, 4, "10.5.6.7/8", "10.0.0.0/8"),
            ],
            "a: 10.0.0.0/8\nb: 10.0.0.0/8\n",
            [
                change(1, 4, "10.1.2.3/8", "10.0.0.0/8"),
                change(1, 4, "10.1.2.3/8", "10.1.0.0/16", "another finding would write a different value there", "other"),
                change(2, 4, "10.5.6.7/8", "10.0.0.0/8"),
            ],
            id="conflict-then-fixed",
        ),
        # fix_text 3, 9-13: the loader's message names the file; a finding without a fix is left out
        pytest.param(
            "a: [\n", [finding(1, 4, "x", "y"), Finding("f.yaml", 1, 1, "public-cidr", "error", "m")], "a: [\n",
            [change(1, 4, "x", "y", "the file does not load (f.yaml:2: invalid YAML: did not find expected node content)")],
            id="does-not-load",
        ),
    ],
)
def test_fix_text_exactly(text: str, fixes: list[Finding], expected: str, changes: list[Change]) -> None:
    assert fix_text("f.yaml", text, fixes) == (expected, changes)


def test_an_edit_that_does_not_load_names_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    # fix_text 69, _verify 14: the path reaches the second load's message
    monkeypatch.setattr(kconf.lint.fix, "_scalar_text", lambda written, new, in_flow: '"' + new)
    assert fix_text("f.yaml", "a: x\nb: c\n", [finding(1, 4, "x", "y")]) == (
        "a: x\nb: c\n",
        [change(1, 4, "x", "y", "the edited file would not load (f.yaml:3: invalid YAML: found unexpected end of stream); nothing was written")],
    )


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_apply_fixes_passes_the_path_to_the_loader(in_tmp: Path) -> None:
    # apply_fixes 13: fix_text gets the file's name
    (in_tmp / "bad.yaml").write_text("a: [\n")
    assert apply_fixes([finding(1, 4, "x", "y", path="bad.yaml")]) == [
        Change("bad.yaml", 1, 4, "cidr-host-bits", "x", "y", "the file does not load (bad.yaml:2: invalid YAML: did not find expected node content)")
    ]
    assert (in_tmp / "bad.yaml").read_text() == "a: [\n"


def test_apply_fixes_names_a_file_that_is_not_utf8(in_tmp: Path) -> None:
    # apply_fixes 20: decode gets the file's name
    (in_tmp / "bin.yaml").write_bytes(b"a: \xff\n")
    with pytest.raises(KconfError) as caught:
        apply_fixes([finding(1, 4, "x", "y", path="bin.yaml")])
    assert str(caught.value) == "bin.yaml:1: not UTF-8 text (byte 0xff at offset 3)"


def test_lint_fix_leaves_a_file_with_cr_line_ends(in_tmp: Path) -> None:
    text = "apiVersion: kubeadm.k8s.io/v1beta3\rkind: ClusterConfiguration\rkubernetesVersion: v1.28.2\rnetworking:\r  podSubnet: 10.244.1.0/16\r"
    (in_tmp / "kubeadm.yaml").write_bytes(text.encode())
    result = run_cli("lint", "--fix", "--select", "cidr-host-bits", "kubeadm.yaml")
    assert result.exit_code == 1
    assert result.stdout == (
        "kubeadm.yaml:5:14: error: networking.podSubnet: '10.244.1.0/16' has host bits set: the network is 10.244.0.0/16 "
        "(write that, or fix the prefix length) [cidr-host-bits]\n"
    )
    assert result.stderr == (
        "kubeadm.yaml:5:14: cidr-host-bits: not fixed: the file has line breaks other than LF and CRLF\n1 error, 0 warnings in 1 file\n"
    )
    assert (in_tmp / "kubeadm.yaml").read_bytes() == text.encode()
