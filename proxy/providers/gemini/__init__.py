"""Google Gemini: the driver, its request / response / stream translation and its catalog entry."""
