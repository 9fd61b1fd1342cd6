"""Raise-hand micro-projects (举手制): proposal → hands → project → progress → public
evaluation. In ``orders`` because residents act with the phone they verified through
``orders.verification`` (docs/grid-work.md)."""
