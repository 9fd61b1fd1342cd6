"""Member units of a community's co-building alliance (社区共建联盟): resource lists,
demand lists and matching, project lists, monthly rotation and reconciliation, and the
party organisation tree. See docs/units.md."""
