"""Azure OpenAI: OpenAI's driver with Azure's URLs, and its catalog entry."""
