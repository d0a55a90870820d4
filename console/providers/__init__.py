"""One HTTP client per provider, each behind the same `CustomerProvider` contract."""
