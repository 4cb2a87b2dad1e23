"""Who is who: /start, invitations, /mine, /quota, and binding manager group chats."""
