"""Loaded first (pytest -p, see pyproject.toml), before Django reads its settings: the suite
runs as the demo does, on the development secrets, unless the environment says otherwise.
Tests of the production refusals start processes with TOLLGATE_DEMO=false."""

import os

os.environ.setdefault("TOLLGATE_DEMO", "true")
