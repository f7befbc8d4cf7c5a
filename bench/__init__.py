"""Benchmarks of the conference app; each sub-package runs with one command (see bench/README.md)."""
