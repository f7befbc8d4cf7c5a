"""Page-side benchmark: requests per second for the live page, its state and a static file."""
