"""Decisions with buttons: reviews, extension requests, arbitration."""
