"""Composition root: configuration, wiring and entry points; only entry points import it."""
