"""Cohere (Chat API v2): the driver, its request / response / stream translation and its catalog
entry."""
