"""Community notices (公告): publish, pin, withdraw; residents' SMS digest opt-in."""
