"""Jinja2 templates shipped with kconf (package data, read by kconf.resources)."""
