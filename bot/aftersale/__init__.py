"""After-sale care in the chat (RULES §7); its words are in texts.py."""
