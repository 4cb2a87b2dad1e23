"""Messages the bot sends unasked: the sweep (reminders, summaries) and notices."""
