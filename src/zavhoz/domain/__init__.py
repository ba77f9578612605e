"""The pure core: entities, value objects, workflow, SLA and policy. No I/O, no clock."""
