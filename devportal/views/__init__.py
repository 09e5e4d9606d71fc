"""Developer portal views, one module per area (catalog, try out, applications, keys, usage)."""
