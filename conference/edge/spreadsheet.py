"""Cells of the CSV files the API hands out (questions, polls, participants)."""

from __future__ import annotations

# A cell starting with one of these runs as a formula when a spreadsheet opens the file.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """Words from outside, made inert for spreadsheets (CSV injection): a leading ``'``."""
    return "'" + text if text[:1] in FORMULA_STARTS else text
