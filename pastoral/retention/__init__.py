"""Retention and disposal of records (issue 16): rules per record type, the
review queue, legal holds, disposal with a tombstone, the yearly report.

The core never imports an app: each app registers its record types (what it
holds per learner, and how to dispose of it) and any blocker ("a CP transfer
is pending", "a subject access request is open") in its AppConfig.ready(),
through pastoral/retention/registry.py. See docs/retention.md.
"""
