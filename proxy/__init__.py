"""Tollgate's data plane: an ASGI proxy that never imports Django."""
