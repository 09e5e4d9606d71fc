"""The proxy's settings: one frozen dataclass read from environment variables (no Django)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from proxy.contract import DEFAULT_REDIS_PREFIX, RedisNames
from proxy.env import Env
from proxy.production import DEV_SECRET_KEY, check_secrets

REPO_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class ProxyConfig:
    database_url: str
    redis_url: str
    redis_names: RedisNames
    secret_key: str
    fernet_keys: tuple[str, ...]
    key_pepper: str
    allow_private_upstreams: bool
    allow_http_upstreams: bool
    data_dir: Path
    environment: str
    default_tenant: str
    pool_size: int
    pool_size_per_host: int
    connect_timeout: float
    read_timeout: float
    dns_cache_seconds: int
    max_body_bytes: int
    keepalive_timeout: int
    header_timeout: float
    body_timeout: float
    max_concurrency: int
    drain_timeout: int
    registry_poll_interval: float
    key_cache_size: int
    missing_key_ttl: float
    usage_batch_size: int
    usage_flush_interval: float
    usage_buffer_limit: int
    usage_spool_dir: Path
    limiter: str
    access_log: bool
    log_level: str
    host: str
    port: int
    workers: int
    # Development secrets are allowed only in DEBUG or the demo (proxy/production.py).
    debug: bool = False
    demo: bool = False
    derive_keys_from_secret: bool = False
    # Prometheus metrics on their own port (0: off) and OpenTelemetry traces (off).
    metrics_port: int = 0
    metrics_host: str = "127.0.0.1"
    metrics_interval: float = 5.0
    tracing: bool = False

    def refuse_insecure_secrets(self) -> None:
        """Raise InsecureSettings in production (not DEBUG, not the demo) on development
        secrets: the same rule as the web tier's."""
        check_secrets(
            debug=self.debug,
            demo=self.demo,
            secret_key=self.secret_key,
            fernet_keys=list(self.fernet_keys),
            key_pepper=self.key_pepper,
            derive_from_secret=self.derive_keys_from_secret,
        )

    @property
    def embedded(self) -> bool:
        return not self.redis_url

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file of the embedded stores, or None when the database is Postgres."""
        url = self.database_url
        if not url:
            return self.data_dir / "tollgate.sqlite3"
        if url.startswith("sqlite://"):
            return Path(url.removeprefix("sqlite://")[1:])  # same rule as dj-database-url
        return None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ProxyConfig:
        env = Env(os.environ if environ is None else environ)
        secret_key = env.str("SECRET_KEY", DEV_SECRET_KEY)
        data_dir = Path(env.str("TOLLGATE_DATA_DIR", str(REPO_DIR / "var")))
        debug, demo = env.bool("DEBUG", False), env.bool("TOLLGATE_DEMO", False)
        return cls(
            database_url=env.str("DATABASE_URL"),
            redis_url=env.str("REDIS_URL"),
            redis_names=RedisNames(env.str("TOLLGATE_REDIS_PREFIX", DEFAULT_REDIS_PREFIX)),
            secret_key=secret_key,
            fernet_keys=env.list("TOLLGATE_FERNET_KEYS"),
            key_pepper=env.str("TOLLGATE_KEY_PEPPER", secret_key),
            allow_private_upstreams=env.bool("ALLOW_PRIVATE_UPSTREAMS", False),
            allow_http_upstreams=env.bool("ALLOW_HTTP_UPSTREAMS", False),
            data_dir=data_dir,
            environment=env.str("GATEWAY_ENVIRONMENT", "default"),
            default_tenant=env.str("DEFAULT_TENANT", "default"),
            pool_size=env.int("PROXY_POOL_SIZE", 512),
            pool_size_per_host=env.int("PROXY_POOL_SIZE_PER_HOST", 0),
            connect_timeout=env.float("PROXY_CONNECT_TIMEOUT", 10.0),
            read_timeout=env.float("PROXY_READ_TIMEOUT", 300.0),
            dns_cache_seconds=env.int("PROXY_DNS_CACHE_SECONDS", 10),
            max_body_bytes=env.int("PROXY_MAX_BODY_BYTES", 10 * 1024 * 1024),
            keepalive_timeout=env.int("PROXY_KEEPALIVE_TIMEOUT", 5),
            header_timeout=env.float("PROXY_HEADER_TIMEOUT", 10.0),
            body_timeout=env.float("PROXY_BODY_TIMEOUT", 15.0),
            max_concurrency=env.int("PROXY_MAX_CONCURRENCY", 10_000),
            drain_timeout=env.int("PROXY_DRAIN_TIMEOUT", 30),
            registry_poll_interval=env.float("PROXY_REGISTRY_POLL_INTERVAL", 0.25),
            key_cache_size=env.int("PROXY_KEY_CACHE_SIZE", 100_000),
            missing_key_ttl=env.float("PROXY_MISSING_KEY_TTL", 30.0),
            usage_batch_size=env.int("PROXY_USAGE_BATCH_SIZE", 500),
            usage_flush_interval=env.float("PROXY_USAGE_FLUSH_INTERVAL", 0.2),
            usage_buffer_limit=env.int("PROXY_USAGE_BUFFER_LIMIT", 200_000),
            usage_spool_dir=Path(env.str("PROXY_USAGE_SPOOL_DIR", str(data_dir / "usage-spool"))),
            limiter=env.str("PROXY_LIMITER", "proxy.limiting:EngineLimiter"),
            access_log=env.bool("PROXY_ACCESS_LOG", True),
            log_level=env.str("LOG_LEVEL", "INFO").upper(),
            host=env.str("PROXY_HOST", "127.0.0.1"),
            port=env.int("PROXY_PORT", 8080),
            workers=env.int("PROXY_WORKERS", 1),
            debug=debug,
            demo=demo,
            derive_keys_from_secret=env.bool("TOLLGATE_DERIVE_KEYS_FROM_SECRET_KEY", debug or demo),
            metrics_port=env.int("PROXY_METRICS_PORT", 0),
            metrics_host=env.str("PROXY_METRICS_HOST", "127.0.0.1"),
            metrics_interval=env.float("PROXY_METRICS_INTERVAL", 5.0),
            tracing=env.bool("PROXY_TRACING", False),
        )
