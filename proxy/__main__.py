"""`python -m proxy [--host H] [--port P] [--workers N]`: the proxy under uvicorn.

`--workers N` runs N processes under uvicorn's supervisor on one listening socket (the kernel
hands each new connection to one of them; a worker that dies is replaced; SIGTERM drains every
worker). Each process opens its own upstream session, registry cache, usage buffer, spool
claims and limit leases in its lifespan: nothing is shared but Redis (or the database).

uvloop + httptools (with header and body read timeouts, proxy/server.py), a keep-alive idle
timeout and a cap on concurrent connections and requests per process (beyond it uvicorn answers
503 at once), no uvicorn access log (the proxy writes its own line per call); uvicorn's
own messages go through the JSON formatter like the proxy's. Defaults come from PROXY_HOST /
PROXY_PORT / PROXY_WORKERS / LOG_LEVEL.
"""

from __future__ import annotations

import argparse
import logging
import os

import uvicorn

from proxy.config import ProxyConfig
from proxy.jsonlog import ensure_logging, logging_config


def main(argv: list[str] | None = None) -> None:
    config = ProxyConfig.from_env()
    parser = argparse.ArgumentParser(prog="python -m proxy", description=__doc__)
    parser.add_argument("--host", default=config.host)
    parser.add_argument("--port", type=int, default=config.port)
    parser.add_argument("--workers", type=int, default=config.workers)
    parser.add_argument("--log-level", default=config.log_level.lower())
    args = parser.parse_args(argv)
    # Every worker reads its config from the environment: `--workers` must reach them too
    # (the metrics service refuses N > 1 without a shared PROMETHEUS_MULTIPROC_DIR).
    os.environ["PROXY_WORKERS"] = str(args.workers)
    if args.workers > 1 and config.embedded:
        ensure_logging(config.log_level)
        logging.getLogger("proxy").warning(
            "rate limits are counted per worker process without REDIS_URL",
            extra={"event": "workers_without_redis", "workers": args.workers},
        )
    uvicorn.run(
        "proxy.app:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop",
        http="proxy.server:GuardedHttpToolsProtocol",  # httptools, with header/body timeouts
        timeout_keep_alive=config.keepalive_timeout,
        limit_concurrency=config.max_concurrency or None,
        # On SIGTERM: stop accepting, let calls finish for this long, then end the rest in-band.
        timeout_graceful_shutdown=config.drain_timeout or None,
        lifespan="on",
        access_log=False,
        server_header=False,
        log_level=args.log_level,
        log_config=logging_config(args.log_level),
        backlog=4096,
    )


if __name__ == "__main__":
    main()
