"""Calico's published Kubernetes support: the Kubernetes minors each Calico
minor release is tested against, from the "Kubernetes requirements" section
of that release's System requirements page ("We test Calico vX.Y against the
following Kubernetes versions"), docs.tigera.io/calico/<X.Y>/getting-started/
kubernetes/requirements, whose source is tigera/docs
calico_versioned_docs/version-<X.Y>/... (from v3.30 the page includes
_includes/partials/_system-requirements.mdx). Up to v3.23 the page was
docs.projectcalico.org/v3.2x/getting-started/kubernetes/requirements, source
projectcalico/calico (calico/)getting-started/kubernetes/requirements.md.

Calico edits these lists after a release as its end-to-end tests move on
(tigera/docs #1295: "Update calico supported k8s versions to match what we
test"). Each row names the revision(s) read; where two revisions disagree
and which is later could not be told, the row holds every minor either
lists. A Calico minor whose statement was not found has no row, and nothing
is said about it (v3.21 and v3.22: the repository text of the v3.21-v3.23
era could not be tied to one release).

``tested(calico)`` -> the row or None; ``listing(kubernetes)`` -> the Calico
minors whose row holds that Kubernetes minor.
"""

from __future__ import annotations

Minor = tuple[int, int]

TESTED: dict[Minor, tuple[Minor, ...]] = {
    # v3.20: "We test Calico v3.20 against the following Kubernetes versions. v1.19 v1.20 v1.21",
    # read as quoted (the v3.20 page itself is not stored): the page source set on master before
    # v3.20 branched, projectcalico/calico#4559 (2021-04-23, getting-started/kubernetes/requirements.md;
    # #4560 the same for v3.19), and the rendered sentence copied into a public install note;
    # rancher/rke2#2432 agrees ("calico v3.21 ... is tested upstream with k8s 1.22. calico v3.20 was not").
    (3, 20): ((1, 19), (1, 20), (1, 21)),
    # v3.23: "We test Calico v3.23 against the following Kubernetes versions. v1.21 v1.22 v1.23",
    # quoted from projectcalico.docs.tigera.io/getting-started/kubernetes/requirements#supported-versions
    # in kubernetes/kops#13901 (2022-06-28, v3.23 the current release); projectcalico/calico
    # calico/getting-started/kubernetes/requirements.md @cab0a53b lists the same.
    (3, 23): ((1, 21), (1, 22), (1, 23)),
    # v3.24: tigera/docs calico_versioned_docs/version-3.24/getting-started/kubernetes/requirements.mdx
    # @04b54fcb and @5a06b653: v1.22 v1.23 v1.24 v1.25.
    (3, 24): ((1, 22), (1, 23), (1, 24), (1, 25)),
    # v3.25: tigera/docs calico_versioned_docs/version-3.25/getting-started/kubernetes/requirements.mdx
    # @04b54fcb and @5a06b653: v1.23 to v1.28.
    (3, 25): ((1, 23), (1, 24), (1, 25), (1, 26), (1, 27), (1, 28)),
    # v3.26: tigera/docs calico_versioned_docs/version-3.26/getting-started/kubernetes/requirements.mdx
    # @04b54fcb and @16d9d44c: v1.24 to v1.28.
    (3, 26): ((1, 24), (1, 25), (1, 26), (1, 27), (1, 28)),
    # v3.27: tigera/docs calico_versioned_docs/version-3.27/getting-started/kubernetes/requirements.mdx
    # @16d9d44c: v1.27 v1.28 v1.29 (tigera/docs#1295, 2024-02-02, "Calico master, v3.27"; the
    # earlier revision @04b54fcb listed v1.24 to v1.28).
    (3, 27): ((1, 27), (1, 28), (1, 29)),
    # v3.28: tigera/docs calico_versioned_docs/version-3.28/getting-started/kubernetes/requirements.mdx
    # @1054f3f9 and @36a85ef5: v1.27 v1.28 v1.29 v1.30.
    (3, 28): ((1, 27), (1, 28), (1, 29), (1, 30)),
    # v3.29: tigera/docs calico_versioned_docs/version-3.29/getting-started/kubernetes/requirements.mdx
    # @01059829: v1.29 v1.30 v1.31; 1.32 from a later revision, quoted by a user in projectcalico
    # discussion #11717 ("From the system requirements pages: Calico v3.29 is tested against
    # Kubernetes v1.29-v1.32"; the maintainers' replies do not contradict it).
    (3, 29): ((1, 29), (1, 30), (1, 31), (1, 32)),
    # v3.30: tigera/docs calico_versioned_docs/version-3.30/_includes/partials/_system-requirements.mdx
    # @7a782b46: v1.31 to v1.35 (the earlier revision @1bbcbaed: v1.31 v1.32 v1.33).
    (3, 30): ((1, 31), (1, 32), (1, 33), (1, 34), (1, 35)),
    # v3.31: tigera/docs calico_versioned_docs/version-3.31/_includes/partials/_system-requirements.mdx
    # @28b16b1a and @1815866d: 1.32 1.33 1.34; 1.35 added to the page later (projectcalico
    # discussion #11717: "we'll be adding 1.35 to the supported list for Calico v3.31", then
    # "v1.35 has been added to https://docs.tigera.io/calico/latest/..." while v3.31 was latest).
    (3, 31): ((1, 32), (1, 33), (1, 34), (1, 35)),
    # v3.32: tigera/docs calico_versioned_docs/version-3.32/_includes/partials/_system-requirements.mdx
    # @f871584d: 1.32 to 1.36; @69ef9b0f: 1.34 1.35 1.36 (which is later is not known: both kept).
    (3, 32): ((1, 32), (1, 33), (1, 34), (1, 35), (1, 36)),
}


def tested(calico: Minor) -> tuple[Minor, ...] | None:
    """The Kubernetes minors Calico ``calico`` is tested against; None when
    kconf has no published statement for that Calico minor."""
    return TESTED.get(calico[:2])


def listing(kubernetes: Minor) -> tuple[Minor, ...]:
    """The Calico minors of the table tested against ``kubernetes``, oldest first."""
    return tuple(sorted(calico for calico, minors in TESTED.items() if kubernetes[:2] in minors))


def shown(minors: tuple[Minor, ...]) -> str:
    """Kubernetes minors for a message: ``1.32-1.35`` when consecutive, else ``1.19, 1.21``."""
    ordered = sorted(minors)
    names = [f"{a}.{b}" for a, b in ordered]
    consecutive = all(b == (a[0], a[1] + 1) for a, b in zip(ordered, ordered[1:]))
    if len(ordered) > 2 and consecutive:
        return f"{names[0]}-{names[-1]}"
    return ", ".join(names)
