"""kconf imports PyYAML with the patterns PyYAML compiles at import made lazy
(kconf.yamlio._import_pyyaml): they cost ~10 ms of every start, and libyaml's
events need none of them. PyYAML's own pure-Python parts still work, and only
PyYAML's modules are affected."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REAL_PYYAML = """\
import datetime, re, sys
real_compile = re.compile
from kconf import yamlio
assert "yaml" not in sys.modules
assert [d.data for d in yamlio.load_documents("a: 1\\n", "x")] == [{"a": 1}]
import yaml, yaml.reader, yaml.resolver, yaml.constructor
assert re.compile is real_compile, "re.compile is restored"
assert type(yaml.reader.Reader.NON_PRINTABLE).__name__ == "LazyPattern"
assert type(yaml.constructor.SafeConstructor.timestamp_regexp).__name__ == "LazyPattern"
# the pure-Python loader, resolver and constructor, and the emitter, as PyYAML alone gives them
assert yaml.load("a: yes\\nb: 2001-12-14\\nc: 0x1f\\n", Loader=yaml.SafeLoader) == {"a": True, "b": datetime.date(2001, 12, 14), "c": 31}
try:
    yaml.load("a: \\x07\\n", Loader=yaml.SafeLoader)
except yaml.reader.ReaderError as exc:
    assert "unacceptable character" in str(exc)
else:
    raise AssertionError("a control character went through the pure-Python reader")
assert yaml.safe_dump({"a": "yes", "b": "1.5", "c": "x"}) == "a: 'yes'\\nb: '1.5'\\nc: x\\n"
print("ok")
"""


def test_pyyaml_loads_with_lazy_patterns_and_still_works() -> None:
    result = subprocess.run([sys.executable, "-c", REAL_PYYAML], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, "ok\n", "")


STAND_IN = """\
import re, sys
sys.path.insert(0, sys.argv[1])
from kconf.yamlio import _import_pyyaml
yaml = _import_pyyaml()
import helper
print(type(yaml.P).__name__, type(yaml.sub.P).__name__, type(helper.P).__name__, type(re.compile("x")).__name__)
print(bool(yaml.P.match("abc")), bool(yaml.sub.P.search("--x1")))
assert _import_pyyaml() is yaml
"""


def test_only_pyyaml_s_own_modules_get_lazy_patterns(tmp_path: Path) -> None:
    """A stand-in ``yaml`` package: its modules' patterns are lazy; a module it
    imports from outside the package (here ``helper``) gets re.compile's."""
    (tmp_path / "yaml").mkdir()
    (tmp_path / "yaml" / "__init__.py").write_text("import re\nP = re.compile('a+b')\nfrom . import sub\nimport helper\n")
    (tmp_path / "yaml" / "sub.py").write_text("import re\nP = re.compile(r'x[0-9]', re.I)\n")
    (tmp_path / "helper.py").write_text("import re\nP = re.compile('h')\n")
    result = subprocess.run([sys.executable, "-c", STAND_IN, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "LazyPattern LazyPattern Pattern Pattern\nTrue True\n"
