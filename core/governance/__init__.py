"""Who may see and do what: roles and scope, accounts, the audit trail, aliases, retention, start-up checks."""
