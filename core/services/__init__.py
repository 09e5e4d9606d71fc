"""Writes go through these service functions: keyword-only, atomic, audited, and they
republish the affected registry snapshots when the transaction commits."""
