"""Speakers and organisations."""
