from core.errors import DomainError


class PartyError(DomainError):
    """A refused party-member, wish or points operation."""
