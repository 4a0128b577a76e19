"""A small SVG writer: elements as text, numbers in one fixed format.

The picture must be the same bytes for the same description (it is committed
and diffed): attributes are written in the order given, every number with one
decimal at most, and text widths are estimated from character counts, never
measured with the fonts installed.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

# Fonts every system has one of; named, never embedded or fetched.
MONO = "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace"
SANS = "'DejaVu Sans', Verdana, 'Helvetica Neue', Arial, sans-serif"
# Advance width of a character as a fraction of the font size: DejaVu Sans
# Mono's is 0.602; the sans estimate is an upper bound for ordinary text.
MONO_ADVANCE = 0.61
SANS_ADVANCE = 0.6

Attr = str | int | float | None


def num(value: float) -> str:
    """One decimal place, no trailing zeros, never ``-0``."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attribute(value: Attr) -> str:
    if isinstance(value, float):
        return quoteattr(num(value))
    return quoteattr(str(value))


def attributes(attrs: dict[str, Attr]) -> str:
    return "".join(f" {name.rstrip('_').replace('_', '-')}={_attribute(v)}" for name, v in attrs.items() if v is not None)


def element(tag: str, children: str = "", /, **attrs: Attr) -> str:
    """``<tag a="1">children</tag>``; ``class_`` names the class attribute,
    other underscores become hyphens (``font_size``)."""
    if not children:
        return f"<{tag}{attributes(attrs)}/>"
    return f"<{tag}{attributes(attrs)}>{children}</{tag}>"


def text(x: float, y: float, content: str, **attrs: Attr) -> str:
    return element("text", escape(content), x=float(x), y=float(y), **attrs)


def title(content: str, **attrs: Attr) -> str:
    """A tooltip (and an accessible name) for the enclosing element."""
    return element("title", escape(content), **attrs)


def group(*children: str, **attrs: Attr) -> str:
    return element("g", "".join(children), **attrs)


def rect(x: float, y: float, width: float, height: float, **attrs: Attr) -> str:
    return element("rect", x=float(x), y=float(y), width=float(width), height=float(height), **attrs)


def line(x1: float, y1: float, x2: float, y2: float, **attrs: Attr) -> str:
    return element("line", x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), **attrs)


def path(commands: list[tuple[str, float, float]], **attrs: Attr) -> str:
    """A path from (command, x, y) steps, e.g. [("M", 0, 0), ("L", 5, 5)]."""
    d = " ".join(f"{c}{num(x)},{num(y)}" for c, x, y in commands)
    return element("path", d=d, **attrs)


def curve(x1: float, y1: float, x2: float, y2: float, **attrs: Attr) -> str:
    """A horizontal S-curve from (x1, y1) to (x2, y2), for an arrow between columns."""
    middle = (x1 + x2) / 2
    d = f"M{num(x1)},{num(y1)} C{num(middle)},{num(y1)} {num(middle)},{num(y2)} {num(x2)},{num(y2)}"
    return element("path", d=d, **attrs)


def text_width(content: str, size: float, *, mono: bool = True) -> float:
    return len(content) * size * (MONO_ADVANCE if mono else SANS_ADVANCE)
