"""Knowledge collections: documents in, chunks embedded, indexes published to the data plane."""
