"""``kconf render``: one cluster description -> every file of its output folder.

``render_files`` is pure (description -> {file name: bytes and mode}); only
``run_render`` touches the disk, writing all files or none.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kconf.description import Cluster
from kconf.errors import KconfError, plain_line
from kconf.outputs import GENERATED_MARK, Files, RenderedFile
from kconf.outputs.calico import calico_files
from kconf.outputs.haproxy import haproxy_files
from kconf.outputs.hosts import hosts_files
from kconf.outputs.join import join_files
from kconf.outputs.keepalived import keepalived_files
from kconf.outputs.kube_vip import kube_vip_files
from kconf.outputs.kubeadm import kubeadm_files
from kconf.outputs.plan import plan_files
from kconf.wording import counted
from kconf.yamlio import MAX_BYTES

if TYPE_CHECKING:
    from kconf.lint.model import ClusterFile, Finding

__all__ = ["GENERATED_MARK", "OWNED_PATTERNS", "RenderedFile", "render_files", "run_render"]

# Files render owns in an output folder; one of them that carries the
# generated mark but is no longer rendered (a removed node) is stale.
OWNED_PATTERNS = (
    "kubeadm-init.yaml", "kubeadm-join-*.yaml", "kubeadm-upgrade.yaml", "join-*.sh", "haproxy.cfg", "hosts",
    "calico.yaml", "calico-installation.yaml", "keepalived-*.conf", "check_apiserver.sh",
    "kube-vip-*.yaml", "PLAN.md",
)

# One module per output family (kconf/outputs/), each cluster -> files.
FAMILIES: tuple[Callable[[Cluster], Files], ...] = (
    kubeadm_files, join_files, haproxy_files, keepalived_files, kube_vip_files, hosts_files, calico_files, plan_files,
)


def render_files(cluster: Cluster) -> dict[str, RenderedFile]:
    """Every output file of a cluster, by file name."""
    files: Files = {}
    for family in FAMILIES:
        files.update(family(cluster))
    return dict(sorted(files.items()))


def default_output_dir(cluster: Cluster) -> Path:
    return cluster.path.parent / cluster.name


def stale_files(output_dir: Path, rendered: dict[str, RenderedFile]) -> list[Path]:
    """Files kconf wrote before that the description no longer renders."""
    if not output_dir.is_dir():
        return []
    stale: list[Path] = []
    for pattern in OWNED_PATTERNS:
        for path in sorted(output_dir.glob(pattern)):
            if path.name in rendered or not path.is_file() or path.is_symlink():
                continue
            try:
                with open(path, "rb") as handle:
                    head = handle.read(512)
            except OSError:  # not readable: not something to delete unseen
                continue
            if GENERATED_MARK.encode() in head:
                stale.append(path)
    return stale


def holds_exactly(target: Path, data: bytes) -> bool | None:
    """Whether a file holds exactly ``data`` (read only when the size
    matches, so a huge file is not loaded); None when it cannot be read."""
    try:
        if target.stat().st_size != len(data):
            return False
        with open(target, "rb") as handle:
            return handle.read(len(data) + 1) == data
    except OSError:
        return None


def differences(output_dir: Path, rendered: dict[str, RenderedFile]) -> list[tuple[Path, str]]:
    """(path, why) for every file that is not as render would write it."""
    if not os.path.lexists(output_dir):  # a first render: nothing to look at, file by file
        return [(output_dir / name, "missing") for name in rendered]
    found: list[tuple[Path, str]] = []
    for name, file in rendered.items():
        target = output_dir / name
        if target.is_symlink():
            found.append((target, "is a symbolic link"))
        elif not target.is_file():
            found.append((target, "missing"))
        elif (same := holds_exactly(target, file.data)) is not True:
            found.append((target, "differs" if same is False else "cannot be read"))
        elif (target.stat().st_mode & 0o777) != file.mode:
            found.append((target, f"mode is {target.stat().st_mode & 0o777:o}, expected {file.mode:o}"))
    found.extend((path, "stale (no longer rendered)") for path in stale_files(output_dir, rendered))
    return found


DIFF_LIMIT = MAX_BYTES  # as kconf reads its inputs: a larger file on disk is not shown


def _on_disk(path: Path) -> tuple[bytes | None, int | None, str | None]:
    """(content, mode, why it is not shown) of what is at ``path``; no
    content and no reason when nothing is there."""
    try:
        if path.is_symlink():
            return None, None, "a symbolic link: not shown"
        if not path.is_file():
            return None, None, None
        status = path.stat()
        if status.st_size > DIFF_LIMIT:
            return None, None, f"{status.st_size:,} bytes: not shown"
        return path.read_bytes(), status.st_mode & 0o777, None
    except OSError as exc:
        return None, None, f"cannot be read: {exc.strerror}"


def _lines(data: bytes) -> list[str]:
    # split at \n only, as diff and patch do (str.splitlines also splits at
    # \r, \x0c, \u2028 ..., which would show a CRLF file as twice its lines)
    text = data.decode("utf-8", "replace")
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def change_diff(path: Path, file: RenderedFile | None) -> str:
    """A unified diff from what is at ``path`` to what render writes there
    (``file``; None: render writes nothing there, the file is stale):
    ``--- PATH<TAB>on disk`` / ``+++ PATH<TAB>kconf render``, /dev/null for a
    side that does not exist, and the two modes in those lines when the mode
    differs too. What has no hunk (only the mode differs; a symbolic link or
    an unreadable file) is a ``# PATH: ...`` line, which patch(1) passes over:
    ``kconf render --diff C | patch -p0`` applies the rest."""
    import difflib

    shown = plain_line(str(path))
    old, old_mode, not_shown = _on_disk(path)
    if not_shown is not None:
        return f"# {shown}: {not_shown}\n"
    if old is not None and file is not None and old == file.data:
        # no hunk to show; a line patch(1) skips, as it skips any text between diffs
        return f"# {shown}: mode {old_mode:o} on disk, kconf render writes {file.mode:o}\n"
    old_label, old_date = (shown, "on disk") if old is not None else ("/dev/null", "")
    new_label, new_date = (shown, "kconf render") if file is not None else ("/dev/null", "")
    if old_mode is not None and file is not None and old_mode != file.mode:
        old_date, new_date = f"{old_date}, mode {old_mode:o}", f"{new_date}, mode {file.mode:o}"
    before, after = _lines(old or b""), _lines(file.data if file is not None else b"")
    header = f"--- {old_label}{chr(9) + old_date if old_date else ''}\n+++ {new_label}{chr(9) + new_date if new_date else ''}\n"
    hunks = list(difflib.unified_diff(before, after, n=3))[2:]  # difflib's own header lines have no dates
    body = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in hunks)
    return header + body


class Linted(NamedTuple):
    """A description, read and modelled, and what the lint rules find in it
    and in the files it renders, as ``kconf lint`` would see them in the
    output folder (in memory: nothing is written). ``cluster``, ``rendered``
    and ``target_dir`` are None when the description cannot be modelled."""

    source: ClusterFile
    cluster: Cluster | None
    rendered: dict[str, RenderedFile] | None
    target_dir: Path | None
    findings: list[Finding]


def lint_description(cluster_path: str, output_dir: str | None) -> Linted:
    """Read, model, render in memory and lint, as render's gate and the
    picture both need it (the same rules, settings and suppressions)."""
    from kconf.description import read_description
    from kconf.lint.engine import lint_render
    from kconf.lint.model import cluster_source

    document, text = read_description(cluster_path)
    source = cluster_source(os.path.normpath(cluster_path), text, document)
    cluster = source.cluster
    if not source.complete or cluster is None:
        return Linted(source, None, None, None, lint_render(source, Path("."), None))
    cluster = cluster._replace(path=Path(cluster_path))  # output paths as the user wrote the description's
    rendered = render_files(cluster)
    target_dir = Path(output_dir) if output_dir else default_output_dir(cluster)
    memory = {name: (f.data, f.mode) for name, f in rendered.items()}
    return Linted(source, cluster, rendered, target_dir, lint_render(source, Path(os.path.normpath(target_dir)), memory))


def lint_gate(cluster_path: str, output_dir: str | None, echo: Callable[..., Any]) -> tuple[Cluster, dict[str, RenderedFile], Path] | int:
    """Render is lint-gated: the description and the files it renders, linted
    as ``kconf lint`` would see them in the output folder, before anything
    is written (lint_description). Findings go to stderr in lint's text
    format. The exit code when refused (2: the description itself is broken,
    as for any user-input error; 1: error-level findings), else what to
    write and where."""
    from kconf.lint.model import ERROR
    from kconf.lint.reporters import TextReporter

    display = cluster_path
    linted = lint_description(cluster_path, output_dir)
    findings = linted.findings
    errors = sum(f.severity == ERROR for f in findings)
    if linted.cluster is None or linted.rendered is None or linted.target_dir is None:
        # the description itself is broken (a user-input error: exit 2); every
        # independent problem is listed, as lint lists them
        if not errors:  # all of them disabled or suppressed: still nothing to render
            raise _incomplete(linted.source)
        echo(f"kconf: error: {display}: the description cannot be rendered ({counted(errors, 'error')}):", err=True)
        echo(TextReporter(color=False).render(findings, 1), nl=False, err=True)
        return 2
    if findings:
        echo(TextReporter(color=False).render(findings, 1), nl=False, err=True)
    if errors:
        echo(f"kconf: {display}: {counted(errors, 'error')} found by the lint rules; nothing written", err=True)
        return 1
    return linted.cluster, linted.rendered, linted.target_dir


def _incomplete(source: ClusterFile) -> KconfError:
    for issue in source.schema_issues:
        return KconfError(issue.message, source.path, source.view.loc(issue.path).line if source.view else None, issue.path)
    for problem in source.problems:
        return problem
    return KconfError("not a usable cluster description", source.path)


def refuse_overwriting_inputs(cluster: Cluster, targets: list[Path]) -> None:
    """Render never writes over (or removes) what it reads: the description
    saved under an output file's name (``kconf render kubeadm-init.yaml -o
    .``), or the upstream Calico manifest. Compared as files (device and
    inode), so links and other spellings of the path are caught too."""
    inputs = [(cluster.path, "the cluster description")]
    if cluster.calico.manifest is not None:
        inputs.append((cluster.calico.manifest, "the upstream Calico manifest (spec.calico.manifest)"))
    # os.path.samefile of each pair, with each input's status taken once (10,000 targets of 5,000 nodes)
    known: list[tuple[os.stat_result, Path, str]] = []
    for source, what in inputs:
        try:
            known.append((os.stat(source), source, what))
        except OSError:
            continue
    for target in targets:
        try:
            status = os.stat(target)
        except OSError:
            continue
        for source_status, source, what in known:
            if os.path.samestat(status, source_status):
                raise KconfError(
                    f"is {what}, and render would overwrite it with {target.name}; "
                    "render into another folder (-o DIR) or rename the description",
                    str(source),
                )


def run_render(
    cluster_path: str, output_dir: str | None, *, check: bool, echo: Callable[..., Any], diff: bool = False
) -> int:
    """``diff``: with check, a unified diff of each difference on stdout."""
    from kconf.fsio import Output, SignalsDeferred, write_files

    gated = lint_gate(cluster_path, output_dir, echo)
    if isinstance(gated, int):
        return gated
    cluster, rendered, target_dir = gated
    changes = differences(target_dir, rendered)
    if check or diff:
        for path, why in changes:
            echo(f"{plain_line(str(path))}: {why}", err=True)
            if diff:
                echo(change_diff(path, rendered.get(path.name)), nl=False)  # a stale file: None
        if changes:
            shown = counted(len(changes), "file")
            echo(f"kconf: {shown} in {plain_line(str(target_dir))} {'is' if len(changes) == 1 else 'are'} not what "
                 f"`kconf render {plain_line(cluster_path)}` writes", err=True)
        return 1 if changes else 0
    if target_dir.is_symlink() or (target_dir.exists() and not target_dir.is_dir()):
        raise KconfError("output folder is not a plain folder (a file or a symbolic link)", str(target_dir))
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KconfError(f"cannot create the output folder: {exc.strerror}", str(target_dir)) from None
    changed = {path for path, _ in changes}
    to_write = {
        target_dir / name: Output(file.data, file.mode)
        for name, file in rendered.items()
        if target_dir / name in changed
    }
    refuse_overwriting_inputs(cluster, [*to_write, *stale_files(target_dir, rendered)])
    # a stop signal waits until the new set is complete, stale files included
    with SignalsDeferred():
        write_files(to_write)
        for path in stale_files(target_dir, rendered):
            try:
                path.unlink()
            except OSError as exc:  # the new files are written; say what is left over
                echo(f"kconf: warning: {plain_line(str(path))}: no longer rendered, but cannot remove it: {exc.strerror}", err=True)
                continue
            echo(f"removed {plain_line(str(path))} (no longer rendered)", err=True)
    for path in sorted(to_write):
        echo(f"wrote {plain_line(str(path))}", err=True)
    up_to_date = "" if to_write else " (it was up to date)"
    echo(f"kconf: {plain_line(str(target_dir))}: {len(rendered)} files, {len(to_write)} written{up_to_date}", err=True)
    if "PLAN.md" in rendered:
        echo(f"next: read {plain_line(str(target_dir / 'PLAN.md'))}: the steps, host by host, from these files to a running cluster", err=True)
    return 0
