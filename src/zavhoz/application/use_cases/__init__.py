"""One verb per module: each use case is a callable class over injected ports."""
