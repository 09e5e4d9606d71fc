"""Choices the schema names as enums of their own (SPECTACULAR_SETTINGS ENUM_NAME_OVERRIDES)."""

from core.models import ROLE_VALUES
from core.services.lifecycle import ACTION_NAMES

LIFECYCLE_ACTIONS = sorted(set(ACTION_NAMES.values()))
ROLES = sorted(ROLE_VALUES)
