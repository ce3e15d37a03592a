"""repositories layer (see ARCHITECTURE.md)."""
