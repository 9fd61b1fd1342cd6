"""Deliberation meetings (党群议事会): the six steps, topics and votes, and the batch
intake that takes residents' orders and dispatches them on the spot. In ``orders``
because the batch intake places and dispatches orders (docs/grid-work.md)."""
