"""The pages of alternative provision (thin: parse, call a selector or service, render)."""
