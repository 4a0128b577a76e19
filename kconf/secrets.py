"""Secrets kconf must never print: bootstrap tokens and certificate keys.

``redact`` is applied by the engine to every finding message, so no reporter
can ever show one, whatever a rule put in its message."""

from __future__ import annotations

import re

from kconf.lazyre import lazy

# A bootstrap token: [a-z0-9]{6}.[a-z0-9]{16}; its id (before the dot) is public,
# the secret part is not.
# Bounded by characters a token cannot hold, not by \b: a token after "_" or
# an upper-case letter (``x_abcdef.0123456789abcdef``) is still one.
TOKEN = lazy(r"(?<![a-z0-9])([a-z0-9]{6})\.([a-z0-9]{16})(?![a-z0-9])")
# A certificate key (kubeadm init phase upload-certs): 64 hex digits. A CA cert
# hash (sha256:<64 hex>) is public and stays; any other 64 hex digits, after
# a ":" too (``key:<64 hex>``), are redacted.
CERTIFICATE_KEY = lazy(r"(?<![0-9a-fA-F])(?<!sha256:)(?<!SHA256:)([0-9a-fA-F]{64})(?![0-9a-fA-F])")


def redact_token(token: str) -> str:
    return TOKEN.sub(lambda m: f"{m.group(1)}.{'*' * 16}", token)


def redact(text: str) -> str:
    text = TOKEN.sub(lambda m: f"{m.group(1)}.{'*' * 16}", text)
    return CERTIFICATE_KEY.sub(lambda m: f"{m.group(1)[:4]}{'*' * 60}", text)
