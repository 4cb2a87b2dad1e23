"""Recording a follow-up in chat (/follow)."""
