"""realtime layer (see ARCHITECTURE.md)."""
