"""Hypothesis strategies for input from outside: hostile text, numbers and JSON shapes.

Text mixes ordinary letters (Latvian ones too) with what the edge must refuse or normalise:
lone surrogates, NUL and other control characters, noncharacters, decomposed letters.
Numbers reach past 64 bits; JSON nests, and floats include NaN and the infinities.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

NASTY = ["\ud800", "\udfff", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\ufffe", "A\u0304", "\u2028"]
LATVIAN = "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ"

characters = st.characters(exclude_categories=()) | st.sampled_from(list(LATVIAN))
texts = st.lists(characters | st.sampled_from(NASTY), max_size=12).map("".join)
long_texts = st.integers(0, 1200).map(lambda n: "ā" * n)
numbers = (
    st.integers(-(2**70), 2**70)
    | st.sampled_from([0, 1, -1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30])
    | st.floats(allow_nan=True, allow_infinity=True)
)
scalars = st.none() | st.booleans() | numbers | texts
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(texts | st.sampled_from(["lv", "en"]), children, max_size=4)
    ),
    max_leaves=12,
)
translated = st.dictionaries(
    st.sampled_from(["lv", "en", "de"]) | texts, texts | long_texts, max_size=3
)


def body_text(value) -> str:
    """JSON as a client may send it: escapes for surrogates, NaN and Infinity as literals."""
    return json.dumps(value, ensure_ascii=True, allow_nan=True)


deep_bodies = st.integers(20, 5000).map(lambda depth: "[" * depth + "]" * depth)
raw_bodies = st.text(max_size=40) | deep_bodies
