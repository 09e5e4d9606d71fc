"""A vendor that exists only in the tests, added through the vendor registry alone.

"Shout" takes `POST /shout {"engine": …, "text": …}`, asks an OpenAI-shaped upstream, and
answers `{"shout": <the reply in capitals>}`. It has both optional driver capabilities: it
names the requested model (from `engine`, which the gateway cannot know) and reads the
upstream's response headers.
"""

from __future__ import annotations

from proxy.providers.registry import VendorEntry

ENTRY = VendorEntry("fake-shout", "tests.proxy.fake_vendor")
