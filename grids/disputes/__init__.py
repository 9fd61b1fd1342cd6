"""Disputes and the four-colour risk list (矛盾纠纷四色风险清单); docs/grid-work.md."""
