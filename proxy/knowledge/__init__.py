"""Knowledge collections on the data plane: the offline embedder, compiled indexes and retrieval."""
