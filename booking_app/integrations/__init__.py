"""integrations layer (see ARCHITECTURE.md)."""
