"""JSON Schemas shipped with kconf (package data, read with importlib.resources)."""
