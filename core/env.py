"""The control plane's env readers: the proxy's one parser (`proxy.env.Env`) over os.environ,
as the small functions settings read best with."""

import os

from proxy.public import Env


def envstr(name: str, default: str = "") -> str:
    """A string setting; NAME_FILE (a path) takes precedence, for secrets."""
    return Env(os.environ).str(name, default)


def envbool(name: str, default: bool) -> bool:
    return Env(os.environ).bool(name, default)


def envint(name: str, default: int) -> int:
    return Env(os.environ).int(name, default)


def envfloat(name: str, default: float) -> float:
    return Env(os.environ).float(name, default)


def envlist(name: str, default: str = "") -> list[str]:
    return list(Env(os.environ).list(name, default))
