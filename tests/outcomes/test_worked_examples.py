"""The worked examples in the docstrings of the outcome formulas are run, so they stay true."""
import doctest

import pytest

from academy.outcomes import charts, declared, funnel, metrics, readers, training_lines


@pytest.mark.parametrize("module", [metrics, readers, training_lines, declared, charts, funnel], ids=lambda module: module.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
