"""Composition root: configuration, wiring and entry points. Nothing imports it but the entry points."""
