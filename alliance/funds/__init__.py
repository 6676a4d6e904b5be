"""Market development funds: budgets per fiscal period, allocations per partner, fund requests,
claims with proof of performance, payments, expiry, and the ledger that reconciles them."""
