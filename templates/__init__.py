"""Jinja2 templates shipped with kconf (package data, read with importlib.resources)."""
