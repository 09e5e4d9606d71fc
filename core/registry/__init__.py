"""The control-plane side of the registry contract: compile snapshots and publish them."""
