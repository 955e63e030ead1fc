"""Alternative provision: providers, safer-recruitment confirmation, placements,
the provider's daily attendance reconciled with the register, half-termly reviews
and "where is this learner right now?" (issue 16). See docs/alternative-provision.md."""
