"""What every conversation shares: the commands table, menus, dialogs, typed input and rendering."""
