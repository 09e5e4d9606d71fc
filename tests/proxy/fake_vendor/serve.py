"""`python -m tests.proxy.fake_vendor.serve [proxy options]`: the proxy, with Shout registered.

The registry line is added before the proxy starts, in its own process (one worker, so the
app runs in this interpreter); nothing else in the proxy knows about Shout.
"""

from __future__ import annotations

from proxy.__main__ import main
from proxy.providers.registry import register
from tests.proxy.fake_vendor import ENTRY

if __name__ == "__main__":
    register(ENTRY)
    main()
