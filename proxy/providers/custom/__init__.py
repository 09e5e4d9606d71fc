"""Tenant-defined custom vendors: one driver configured by the vendor's data (no catalog entry)."""
