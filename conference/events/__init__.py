"""The event, its programme and its public pages."""
