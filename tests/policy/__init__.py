"""Policy tests written from ACCESS.md's sentences, not from pastoral/access.py.

Each restricted thing carries a distinctive phrase; every route that renders or
exports concern content is tried as every role, and the phrase must never reach
a role ACCESS.md keeps it from (and must reach the ones it allows, so no test
passes by seeing nothing).
"""
