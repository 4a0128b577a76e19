"""JSON Schemas shipped with kconf (package data, read by kconf.resources)."""
