"""Behaviour: incidents and rewards, detentions, on-call, removals, suspensions and exclusions.

Imports run one way: the core (`pastoral`) and `attendance` <- behaviour; caseload may read
behaviour for the profile; safeguarding never imports behaviour, and behaviour never sees
concern content.
"""
