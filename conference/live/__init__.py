"""The live log: commands, updates, the snapshot cache and the one place that publishes."""
