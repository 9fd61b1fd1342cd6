"""The orders side of the co-building alliance (parties/units): what needs orders —
tier-3 dispatch suggestions, the monthly reconciliation's order figures, the pages.
See docs/units.md."""
