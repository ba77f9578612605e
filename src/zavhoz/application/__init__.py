"""Use cases and queries over ports; no framework, no I/O of its own."""
