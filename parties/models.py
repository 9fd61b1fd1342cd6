"""Party organisations: registered party members, commitments, micro-wishes, points (next
issues). Built on ``grids``.

``MemberUnit`` moved to ``grids.models`` (same table); it is re-exported here so
``parties.models.MemberUnit`` keeps working.
"""

from grids.models import MemberUnit as MemberUnit  # re-exported

__all__ = ["MemberUnit"]
