"""`python -m demo_upstream [--host H] [--port N]`: serve the demo upstream with uvicorn."""

from __future__ import annotations

import argparse
import sys

import uvicorn

NOTICE = (
    "Tollgate demo upstream on http://{host}:{port}/ - a stand-in for the LLM vendors "
    "with canned answers, not a real model."
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m demo_upstream", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    args = parser.parse_args(argv)
    print(NOTICE.format(host=args.host, port=args.port), file=sys.stderr, flush=True)
    uvicorn.run(
        "demo_upstream.app:app",
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )


if __name__ == "__main__":
    main()
