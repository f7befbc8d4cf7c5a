"""Fan-out benchmark: one update, N WebSocket attendees, the app against two bare baselines."""
