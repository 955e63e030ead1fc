"""Trust oversight: roles held at trust level (trust safeguarding lead, trust
administrator), the lead's cross-school dashboard of counts and trends, and the
administrator's schools and school administrators (ACCESS.md, docs/trust.md)."""
