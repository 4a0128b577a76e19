"""kconf lint: the engine, the rule catalogue (rules/), reporters and settings."""

# The names of kconf.lint.reporters.REPORTERS, for the CLI's --format choice
# without importing the reporters at start-up (tests/test_lint_output.py
# checks that both agree).
FORMATS = ("text", "json", "sarif", "github", "junit")
