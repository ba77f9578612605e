"""Read-only questions people ask: lists, the queue, a card, search."""
