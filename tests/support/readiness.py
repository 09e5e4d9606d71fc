"""Waiting for a proxy to apply a registry change, by the version it reports on /readyz.

After a change, read the registry's version (the store's `current_version()`, or a test
writer's `version`) and wait until the proxy reports at least that: a signal, never a sleep.
"""

from __future__ import annotations

import time

import httpx

# The embedded proxy polls every 250 ms and the Redis one applies announcements at once; this
# is far above either, for a loaded machine.
APPLY_TIMEOUT = 10.0


def applied_version(proxy_url: str) -> int:
    """The registry version the proxy has applied (0 while it is still starting)."""
    try:
        response = httpx.get(f"{proxy_url}/readyz", timeout=2)
    except httpx.HTTPError:
        return 0
    return int(response.json().get("registry_version", 0)) if response.status_code == 200 else 0


def wait_for_registry(proxy_url: str, version: int, timeout: float = APPLY_TIMEOUT) -> None:
    """Block until the proxy at `proxy_url` has applied registry version `version`."""
    deadline = time.monotonic() + timeout
    while (seen := applied_version(proxy_url)) < version:
        if time.monotonic() > deadline:
            raise AssertionError(
                f"the proxy at {proxy_url} applied registry version {seen}, "
                f"not {version}, within {timeout} s"
            )
        time.sleep(0.02)
