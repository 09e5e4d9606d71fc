"""Architecture: the proxy never loads Django, and nothing runs at import time."""

from __future__ import annotations

import subprocess
import sys

from tests.proxy.support import REPO, base_env

CHECK = """
import sys
import proxy.app, proxy.gateway, proxy.registry.redis_store, proxy.registry.embedded_store
import proxy.usage.redis_sink, proxy.usage.db_sink, proxy.__main__
import proxy.ingress, proxy.policies.apply_defaults, proxy.limiting, proxy.public
from proxy.providers.registry import VENDORS, builtin_catalog, driver_class
for entry in VENDORS:
    driver_class(entry.driver)
builtin_catalog()
loaded = sorted(m for m in sys.modules if m == "django" or m.startswith(("django.", "core")))
print(",".join(loaded))
"""


def test_importing_the_proxy_loads_no_django():
    env = base_env()
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == ""
