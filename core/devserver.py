"""`make up`: start web, proxy, worker and the demo upstream; Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import django

from core.env import envint
from core.processes import Supervisor, demo_upstream_spec, proxy_spec, web_spec, worker_spec

BANNER = """
Tollgate is running ({mode} mode).

  Publisher portal   {web}/publisher/
  Developer portal   {web}/devportal/
  REST API docs      {web}/api/v1/docs/
  Django admin       {web}/admin/
  Gateway (proxy)    {proxy}/
  Demo upstream      {mock}/  (a stand-in for the LLM vendors: canned answers, no model)

Demo logins (tenant '{tenant}'):
{logins}

Call the demo API through the gateway:
  curl {proxy}/{route}/chat/completions \\
    -H "Authorization: Bearer {key}" -H "Content-Type: application/json" \\
    -d '{{"model": "gpt-4o-mini",
         "messages": [{{"role": "user", "content": "Say this is a test!"}}]}}'

The key and URLs are in {env_file}: `source {env_file}` in another shell
exports TOLLGATE_API_KEY, TOLLGATE_GATEWAY and TOLLGATE_WEB for the README's examples.

Press Ctrl-C to stop everything.
"""


def main() -> None:
    web_port, proxy_port, mock_port = (
        envint("WEB_PORT", 8000),
        envint("PROXY_PORT", 8080),
        envint("MOCK_PORT", 8090),
    )
    web, proxy, mock = (f"http://127.0.0.1:{p}" for p in (web_port, proxy_port, mock_port))
    demo_env = {
        "ALLOW_PRIVATE_UPSTREAMS": os.environ.get("ALLOW_PRIVATE_UPSTREAMS", "true"),
        "ALLOW_HTTP_UPSTREAMS": os.environ.get("ALLOW_HTTP_UPSTREAMS", "true"),
        "GATEWAY_URL": os.environ.get("GATEWAY_URL", proxy),
        "SITE_URL": os.environ.get("SITE_URL", web),
    }
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    django.setup()
    from django.conf import settings

    from core.demo import load_info, write_shell_env

    supervisor = Supervisor(env=demo_env, log_dir=settings.DATA_DIR / "logs")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        specs = (
            demo_upstream_spec(mock_port),
            proxy_spec(proxy_port),
            web_spec(web_port),
            worker_spec(),
        )
        for spec in specs:
            print(f"Starting {spec.name}…", flush=True)
            supervisor.start(spec)
        info = load_info()
        if info is None:
            raise RuntimeError("No demo tenant: run `make seed` (make up does) first.")
        env_file = write_shell_env(info, gateway_url=proxy, web_url=web)
        logins = "\n".join(f"  {u:<10} password {p}" for u, p in info.passwords.items())
        print(
            BANNER.format(
                mode="embedded" if settings.EMBEDDED else "Redis",
                web=web,
                proxy=proxy,
                mock=mock,
                tenant=info.tenant,
                logins=logins,
                route=info.api_route,
                key=info.production_key,
                env_file=_shown(env_file),
            ),
            flush=True,
        )
        print(f"Logs: {settings.DATA_DIR / 'logs'}", flush=True)
        exited = supervisor.wait_any()
        print(f"{exited} stopped unexpectedly; see its log. Stopping the rest.", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
    finally:
        supervisor.stop_all()


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    main()
