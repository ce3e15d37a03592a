"""components layer (see ARCHITECTURE.md)."""
