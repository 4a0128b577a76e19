"""JSON Schema validation with field paths, shared by every schema in schemas/."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

from kconf.errors import format_field_path
from kconf.lazyre import lazy


# a NamedTuple, not a frozen ordered dataclass (no generated source to exec at
# start-up): equal, ordered and hashed by (path, message) all the same
class SchemaIssue(NamedTuple):
    path: tuple[str | int, ...]
    message: str

    def __str__(self) -> str:
        where = format_field_path(self.path)
        return f"{where}: {self.message}" if where else self.message


_ANNOTATIONS = frozenset({
    "description", "title", "$comment", "x-kconf-expect", "x-kconf-limit", "x-kconf-absent-until", "x-kconf-absent-from",
})


def _inlined_name(node: dict[str, Any], definitions: dict[str, Any], active: frozenset[str]) -> str | None:
    """The definition ``node`` stands for, when it is a local ``#/$defs/NAME``
    reference with only annotations beside it, to a mapping not already being
    inlined on this path (a recursive one stays a reference); else None."""
    ref = node.get("$ref")
    if not (isinstance(ref, str) and ref.startswith("#/$defs/") and set(node) - {"$ref"} <= _ANNOTATIONS):
        return None
    name = ref.removeprefix("#/$defs/")
    return name if name not in active and isinstance(definitions.get(name), dict) else None


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every local ``#/$defs/NAME`` reference replaced by its
    definition. jsonschema resolves each ``$ref`` through URL joins and a new
    validator per use, which cost most of a lint run; kconf's schemas are
    self-contained, so inlining gives the same verdicts. A reference with
    validation keywords beside it, or a recursive one, stays as it is; the
    annotations beside a reference are kept over the definition's."""
    definitions = schema.get("$defs", {})

    def walk(node: Any, active: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [walk(item, active) for item in node]
        if not isinstance(node, dict):
            return node
        name = _inlined_name(node, definitions, active)
        if name is not None:
            inlined = walk(definitions[name], active | {name})
            return {**inlined, **{k: v for k, v in node.items() if k != "$ref"}}
        return {key: walk(value, active) for key, value in node.items()}

    inlined: dict[str, Any] = walk(schema, frozenset())
    return inlined


@cache
def _validator(name: str) -> Any:
    import jsonschema

    from kconf.resources import schema

    document = schema(name)
    cls = jsonschema.validators.validator_for(document)
    if name in STRICT_INTEGERS:
        # JSON Schema's "integer" is a number with no fraction, so 6443.0
        # passes in jsonschema; kconf would then write `bind :6443.0`.
        checker = cls.TYPE_CHECKER.redefine("integer", _is_int)
        cls = jsonschema.validators.extend(cls, type_checker=checker)  # type: ignore[no-untyped-call]
    return cls(inline_refs(document))


# Schemas of kconf's own formats, where a float (6443.0, 6.443e3, !!float)
# is not an integer. The kubeadm schemas follow kubeadm, whose YAML-to-JSON
# step writes 6443.0 as 6443 and accepts it.
STRICT_INTEGERS = frozenset({"cluster.schema.json"})


def _is_int(checker: Any, instance: Any) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return "string" if isinstance(value, str) else type(value).__name__


def _preview(text: str, keep: int = 40) -> str:
    """A value for a message: whole when short, else its start (a message
    must not repeat a megabyte the user wrote)."""
    return repr(text) if len(text) <= 2 * keep else f"{text[:keep]!r}..."


def _split_pair(instance: Any, field: str) -> bool:
    """Whether an unknown field is the second half of an address pair that a
    flow mapping split at its comma (`{address: 10.0.0.1/24,fd00::1/64}`
    reads as address 10.0.0.1/24 and a key fd00::1/64 without a value)."""
    from kconf.addresses import AddressError, parse_address

    if not isinstance(instance, dict) or instance.get(field) is not None:
        return False
    try:
        parse_address(field.split("/", 1)[0])
    except AddressError:
        return False
    return True


def _describe(error: Any) -> tuple[tuple[str | int, ...], str]:
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        patterns = error.schema.get("patternProperties", {})
        if patterns:
            import re

            extra = [k for k in extra if not any(re.search(p, k) for p in patterns)]
        field = extra[0] if extra else "?"
        import difflib  # only for a message

        close = difflib.get_close_matches(field, allowed, n=1)
        if _split_pair(error.instance, field):
            hint = (
                " (in a flow mapping {...} a comma ends the value: quote a dual-stack pair, "
                'e.g. address: "192.168.51.81/24,fd00:51::81/64")'
            )
        elif close:
            hint = f" (did you mean {close[0]!r}?)"
        else:
            hint = f" (known fields: {', '.join(allowed)})" if allowed and len(allowed) <= 30 else ""
        return path + (field,), f"unknown field {field!r}{hint}"
    if error.validator == "required":
        return path, error.message.replace("is a required property", "is required")
    if error.validator == "enum":
        choices = " | ".join(str(c) if c != "" else '""' for c in error.validator_value)
        return path, f"{error.instance!r} is not one of {choices}"
    if error.validator == "type":
        expected = error.validator_value
        if expected == "string" and isinstance(error.instance, (int, float, bool)):
            return path, f"{error.instance!r} was read as a {_json_kind(error.instance)}; quote it if it is meant as text"
        if expected == "integer" and isinstance(error.instance, float):
            hint = f" (write {int(error.instance)})" if error.instance.is_integer() else ""
            return path, f"{error.instance!r} is a float, expected integer{hint}"
        return path, f"{error.instance!r} is a {_json_kind(error.instance)}, expected {expected}"
    too_long = isinstance(error.instance, str) and len(error.instance) > error.schema.get("maxLength", len(error.instance))
    if error.validator == "maxLength" or (error.validator == "pattern" and too_long):
        limit = error.schema.get("x-kconf-limit")
        why = f" ({limit})" if limit else ""
        return path, (
            f"{_preview(error.instance)} is {len(error.instance):,} characters long; "
            f"at most {error.schema['maxLength']:,} are allowed{why}"
        )
    if error.validator == "pattern" and "x-kconf-expect" in error.schema:
        return path, f"{_preview(error.instance)} is not {error.schema['x-kconf-expect']}"
    return path, error.message


# --- the fast path: a verdict without jsonschema ----------------------------------------
#
# Most documents are valid, and jsonschema costs an import (~0.1 s) and a
# validator object per subschema visited (0.5 ms a kubeadm document). The
# keywords kconf's schemas use are compiled once into plain predicates; a
# document they pass is valid. They are never more lenient than jsonschema
# (where in doubt they say "invalid": enum values compared with their types,
# any keyword not listed below makes the schema unsupported), and anything
# they reject goes to jsonschema, which then finds the issues and words them.
# tests/test_schemacheck.py compares both verdicts.

Predicate = Callable[[Any], bool]

# keywords that assert nothing (jsonschema ignores them, or only annotates)
_IGNORED = _ANNOTATIONS | {"$schema", "$id", "$defs", "default", "examples", "format", "x-kconf-absent-from"}


class _Unsupported(Exception):
    pass


class _Context(NamedTuple):
    strict_integers: bool
    definitions: dict[str, Any]  # the schema's $defs, for its local references
    active: frozenset[str] = frozenset()  # the definitions being compiled, outermost first


# Subschemas of properties are compiled when a document first has the
# property (most documents set a few of a kubeadm or kubelet schema's
# hundreds of fields; compiling all of seven schemas took 10 ms of a lint
# run). A keyword the fast path does not know is then found late: check()
# catches _Unsupported and asks jsonschema. tests/test_schemacheck.py sets
# this to compile everything up front, to show every schema is supported.
_EAGER = False


def _is_type(name: str, value: Any, strict_integers: bool) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if isinstance(value, bool):
        return False
    if name == "integer":
        return isinstance(value, int) or (not strict_integers and isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float))
    raise _Unsupported(name)


def _same(value: Any, choice: Any) -> bool:
    """Equal and of the same type (stricter than JSON Schema, never looser)."""
    if isinstance(choice, (dict, list)):
        raise _Unsupported("a structured enum or const")
    return type(value) is type(choice) and bool(value == choice)


def _compile(schema: Any, ctx: _Context) -> Predicate:
    if schema is True:
        return _always
    if schema is False:
        return _never
    if not isinstance(schema, dict):
        raise _Unsupported(type(schema).__name__)
    name = _inlined_name(schema, ctx.definitions, ctx.active)
    if name is not None:  # what inline_refs() does, as the compiler reaches each reference
        return _compile(ctx.definitions[name], ctx._replace(active=ctx.active | {name}))
    checks: list[Predicate] = []
    for keyword, argument in schema.items():
        if keyword in _IGNORED or keyword.startswith("x-kconf-") or keyword == "patternProperties":
            continue
        if keyword == "additionalProperties" and "properties" in schema:
            continue  # compiled with properties
        checks.append(_keyword(keyword, argument, schema, ctx))
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    every = tuple(checks)

    def valid(value: Any) -> bool:
        for check in every:
            if not check(value):
                return False
        return True

    return valid


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


def _keyword(keyword: str, argument: Any, schema: dict[str, Any], ctx: _Context) -> Predicate:  # noqa: C901
    strict_integers = ctx.strict_integers
    if keyword == "type":
        names = tuple(argument if isinstance(argument, list) else [argument])
        for name in names:
            _is_type(name, None, strict_integers)  # raises on an unknown type name
        return lambda v: any(_is_type(n, v, strict_integers) for n in names)
    if keyword in ("enum", "const"):
        choices = tuple(argument) if keyword == "enum" else (argument,)
        for choice in choices:
            _same(choice, choice)
        return lambda v: any(_same(v, c) for c in choices)
    if keyword == "pattern":
        pattern = lazy(argument)  # compiled when a string reaches it: most never do in one run
        return lambda v: not isinstance(v, str) or pattern.search(v) is not None
    if keyword in ("minLength", "maxLength", "minItems", "maxItems", "maxProperties", "minimum", "maximum"):
        limit: int | float = argument
        kind: type | tuple[type, ...]
        measure: Callable[[Any], int | float]
        if keyword in ("minimum", "maximum"):
            kind, measure = (int, float), _number
        else:
            kind, measure = {"minLength": str, "maxLength": str, "minItems": list, "maxItems": list, "maxProperties": dict}[keyword], _size
        low = keyword.startswith("min")

        def bounded(v: Any) -> bool:
            if not isinstance(v, kind) or isinstance(v, bool):
                return True
            size = measure(v)
            return size >= limit if low else size <= limit

        return bounded
    if keyword == "required":
        required = tuple(argument)
        return lambda v: not isinstance(v, dict) or all(n in v for n in required)
    if keyword == "items":
        if "prefixItems" in schema:
            raise _Unsupported("prefixItems")
        item = _compile(argument, ctx)
        return lambda v: not isinstance(v, list) or all(item(i) for i in v)
    if keyword == "propertyNames":
        name_ok = _compile(argument, ctx)
        return lambda v: not isinstance(v, dict) or all(name_ok(k) for k in v)
    if keyword == "anyOf":
        branches = tuple(_compile(branch, ctx) for branch in argument)
        return lambda v: any(b(v) for b in branches)
    if keyword in ("properties", "additionalProperties"):
        return _compile_properties(schema, ctx)
    raise _Unsupported(keyword)


def _size(value: Any) -> int:
    return len(value)


def _number(value: Any) -> int | float:
    number: int | float = value
    return number


def _compile_properties(schema: dict[str, Any], ctx: _Context) -> Predicate:
    if schema.get("patternProperties"):
        raise _Unsupported("patternProperties")  # none of kconf's schemas has them
    subschemas: dict[str, Any] = schema.get("properties", {})
    properties: dict[str, Predicate] = {}  # compiled so far
    has_extra = "additionalProperties" in schema
    extra: list[Predicate] = []  # additionalProperties, once compiled

    def check_of(key: str) -> Predicate | None:
        if key in subschemas:
            check = properties[key] = _compile(subschemas[key], ctx)
            return check
        if not has_extra:
            return None
        if not extra:
            extra.append(_compile(schema["additionalProperties"], ctx))
        return extra[0]

    if _EAGER:
        for key in subschemas:
            check_of(key)
        if has_extra:
            extra.append(_compile(schema["additionalProperties"], ctx))

    def valid(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for key, item in value.items():
            check = properties.get(key)
            if check is None:
                check = check_of(key)
                if check is None:
                    continue
            if not check(item):
                return False
        return True

    return valid


@cache
def fast_validator(name: str) -> Predicate | None:
    """A predicate that is True only for documents valid against the schema;
    None when the schema uses a keyword it does not know (jsonschema then
    judges every document)."""
    from kconf.resources import schema

    document = schema(name)
    try:
        return _compile(document, _Context(name in STRICT_INTEGERS, document.get("$defs", {})))
    except _Unsupported:
        return None


def check(schema_name: str, data: Any) -> list[SchemaIssue]:
    """Every violation, sorted by field path; the deepest (most useful) error
    of each oneOf/anyOf branch is reported, not the whole branch."""
    fast = fast_validator(schema_name)
    try:
        if fast is not None and fast(data):
            return []
    except _Unsupported:  # a keyword in a subschema compiled only now: jsonschema decides
        pass
    from jsonschema.exceptions import best_match

    validator = _validator(schema_name)
    issues: set[SchemaIssue] = set()
    for error in validator.iter_errors(data):
        if error.context:
            error = best_match(error.context)
        path, message = _describe(error)
        issues.add(SchemaIssue(path, message))
    return sorted(issues, key=lambda i: (tuple(str(p) for p in i.path), i.message))

