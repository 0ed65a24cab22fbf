"""The registered managers' portal, /portal/..., scoped to the manager's workplaces (blueprint.py)."""
