"""kconf/calico/support.py: listing() of a full Kubernetes version.

Written for the mutants of kconf/calico/support.py that survived the rest of
the suite (see tools/mutation/run).
"""

from __future__ import annotations

from kconf.calico import support


def test_listing_reads_the_minor_of_a_version_with_a_patch_number() -> None:
    assert support.listing((1, 29, 4)) == ((3, 27), (3, 28), (3, 29))
    assert support.listing((1, 36, 0)) == ((3, 32),)


def test_tested_reads_the_minor_of_a_calico_version_with_a_patch_number() -> None:
    assert support.tested((3, 27, 3)) == ((1, 27), (1, 28), (1, 29))
