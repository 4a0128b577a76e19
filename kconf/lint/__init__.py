"""kconf lint: the engine, the rule catalogue (rules/), reporters and settings."""
