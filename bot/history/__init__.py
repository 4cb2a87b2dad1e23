"""A customer's whole timeline for managers (/history)."""
