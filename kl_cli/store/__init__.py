"""Where the knowledge base lives and how it is read: locating, safe YAML, the schema, the
compiled form, the cache, loading."""
