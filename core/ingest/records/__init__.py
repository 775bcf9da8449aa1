"""CRM exports as they are: deals, calls, leads, account snapshots and a people list become the monthly table."""
