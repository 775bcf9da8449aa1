"""Peer-coaching chains: matching, manager edits, the chain graph, and whether coaching works (impact, revenue)."""
