"""The Telegram adapter and the command line: thin front doors onto the domain's use cases."""
