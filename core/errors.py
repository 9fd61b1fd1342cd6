"""The domain error every writer raises when it refuses an operation."""


class DomainError(Exception):
    """A refused operation: ``code`` for programs, ``message`` for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message
