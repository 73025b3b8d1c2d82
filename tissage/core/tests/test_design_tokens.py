"""Every text/background pair of the stylesheet's colour tokens meets WCAG AA."""

import re

import pytest

from tissage.core.design import LARGE_OR_UI, PAIRS, STYLESHEET, TEXT, colour_tokens, contrast_ratio


def test_the_formula_gives_wcags_known_ratios() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast_ratio("#ffffff", "#000000") == contrast_ratio("#000000", "#ffffff")
    # The grey that famously just fails on white, and the one that just passes.
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_the_stylesheet_declares_the_tokens_the_pairs_name() -> None:
    tokens = colour_tokens()
    named = {pair.foreground for pair in PAIRS} | {pair.background for pair in PAIRS}
    assert named - tokens.keys() == set()


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p.foreground} on {p.background}")
def test_each_pair_meets_wcag_aa(pair) -> None:
    tokens = colour_tokens()
    ratio = contrast_ratio(tokens[pair.foreground], tokens[pair.background])
    assert ratio >= pair.minimum, f"{pair.used_for}: {ratio:.2f}:1 < {pair.minimum}:1"
    assert pair.minimum in (TEXT, LARGE_OR_UI)


def test_colours_are_written_once_as_tokens() -> None:
    """Outside `:root`, rules name tokens: a hard-coded colour would escape the pairs."""
    css = STYLESHEET.read_text(encoding="utf-8")
    rules = re.sub(r":root\s*\{[^}]*\}", "", css)
    assert re.findall(r"#[0-9a-fA-F]{3,8}\b", rules) == []
