"""Running the bot: the active-server lock, polling and webhook, the update ledger's queue, the
inbound guard, errors and logs, and the bot every message leaves through."""
