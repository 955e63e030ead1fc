"""Parents and carers (with their contact restrictions) and the outside-agencies directory."""
