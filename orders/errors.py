from core.errors import DomainError


class OrderError(DomainError):
    """A refused order operation: ``code`` for programs, ``message`` for people."""
