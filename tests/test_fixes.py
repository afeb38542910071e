"""Fix texts written against the user's own lines."""

from __future__ import annotations

import pytest

from nandoctor.explain.fixes import replace_number


@pytest.mark.parametrize("text, new, want", [
    ("np.float32(0.05)", "0.005", "np.float32(0.005)"),
    ("1", "0.1", "0.1"),
    ("lr=1e-3", "1e-4", "lr=1e-4"),
    ("x2 * 0.5", "0.05", "x2 * 0.05"),
    ("rate", "0.01", "0.01"),
])
def test_replace_number_changes_the_number_not_a_name(text, new, want):
    assert replace_number(text, new) == want
