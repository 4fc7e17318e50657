"""The domain: records, models, the kinds of entry, folding, search, lookups, rules. Stdlib only,
no I/O; imports nothing else of kl's but errors."""
