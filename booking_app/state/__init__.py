"""state layer (see ARCHITECTURE.md)."""
