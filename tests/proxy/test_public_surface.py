"""proxy/public.py is the one door from the control plane into the proxy: what it names, it
serves, and it loads a name only when someone uses it."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import proxy.public
from tests.proxy.support import REPO, base_env


def type_checking_names() -> set[str]:
    tree = ast.parse(Path(proxy.public.__file__).read_text())
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
    )
    return {
        alias.asname or alias.name
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def test_the_typed_names_and_the_lazy_names_agree() -> None:
    assert type_checking_names() == set(proxy.public.EXPORTS) == set(proxy.public.__all__)


def test_every_name_is_the_proxys_own_object() -> None:
    for name, module in proxy.public.EXPORTS.items():
        owner = importlib.import_module(module)
        if hasattr(owner, name):
            expected = getattr(owner, name)
        else:
            expected = importlib.import_module(f"{module}.{name}")
        assert getattr(proxy.public, name) is expected, name


def test_an_undeclared_name_is_refused() -> None:
    try:
        proxy.public.Forwarder  # noqa: B018 - the attribute access is the test
    except AttributeError as error:
        assert "may use" in str(error)
    else:
        raise AssertionError("proxy.public served a name it does not declare")


def test_settings_load_no_more_of_the_proxy_than_they_use() -> None:
    probe = (
        "import sys, core.settings; "
        "print(sorted(m for m in sys.modules if m.startswith(('proxy', 'redis'))))"
    )
    env = {**base_env(), "DJANGO_SETTINGS_MODULE": "core.settings"}
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, cwd=REPO, env=env, check=True
    ).stdout.decode()
    loaded = set(ast.literal_eval(out))
    assert {"proxy.public", "proxy.env", "proxy.jsonlog"} <= loaded
    assert not loaded & {"proxy.limits", "proxy.crypto", "redis"}
