"""What every stateful subsystem uses: the clock, the per-batch memo, the actor, the
domain error, phone masking, the one-writer helpers and the notification outbox.

``core`` imports no other app of the project (see docs/architecture.md).
"""
