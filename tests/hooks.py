"""World hooks from the apps (see tests/conftest.py WORLD_HOOKS)."""
