"""Tests that kill mutmut survivors of kconf/lint/rules/control_plane.py (tools/mutation/run)."""
