"""Print a fresh .env for compose.yaml: every secret random, generated on this machine.

python3 deploy/compose/make_env.py > .env
"""

import base64
import os
import secrets


def fernet_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


print(
    f"""POSTGRES_PASSWORD={secrets.token_urlsafe(24)}
SECRET_KEY={secrets.token_urlsafe(50)}
TOLLGATE_FERNET_KEYS={fernet_key()}
TOLLGATE_KEY_PEPPER={secrets.token_urlsafe(50)}
TOLLGATE_METRICS_TOKEN={secrets.token_urlsafe(32)}
""",
    end="",
)
