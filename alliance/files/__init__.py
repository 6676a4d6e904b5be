"""One file store for every upload (MDF proofs of performance, asset versions, plan evidence)."""
