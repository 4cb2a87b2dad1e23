"""Filing a registration in chat (/new)."""
