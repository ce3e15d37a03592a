"""pages layer (see ARCHITECTURE.md)."""
