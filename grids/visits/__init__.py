"""Households, care categories and visits (走访); see docs/grid-work.md."""
