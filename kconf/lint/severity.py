"""Finding severities (a module of its own so the CLI can name reporters
without loading the lint model)."""

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)
