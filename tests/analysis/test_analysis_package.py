"""scanlab.analysis as a package: one namespace over its modules, runnable examples, and
never matplotlib.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys
import textwrap

import pytest

from scanlab import analysis as an
from scanlab.errors import ScanlabError

# Modules of the package; the names of all but the private helpers are re-exported.
MODULES = sorted(m.name for m in pkgutil.iter_modules(an.__path__))
NOT_REEXPORTED = {"_helpers", "_ranks"}
ERRORS = ["AnalysisError", "NoRunsError"]


def test_the_package_reexports_the_public_names_of_its_modules():
    names = list(ERRORS)
    for name in MODULES:
        module = importlib.import_module(f"scanlab.analysis.{name}")
        assert list(module.__all__) == sorted(module.__all__), name
        if name not in NOT_REEXPORTED:
            names += module.__all__
            assert all(getattr(an, n) is getattr(module, n) for n in module.__all__), name
        else:  # of the private helpers, the package re-exports those its callers use
            names += [n for n in module.__all__ if hasattr(an, n)]
    assert an.__all__ == sorted(names)


def test_errors_are_scanlab_and_value_errors():
    assert issubclass(an.NoRunsError, ScanlabError)
    assert issubclass(an.NoRunsError, ValueError)


def test_analysis_never_imports_matplotlib():
    code = textwrap.dedent("""
        import sys
        import numpy as np, pandas as pd
        import scanlab.analysis as an
        df = pd.DataFrame({'status': 'ok', 'x': np.arange(60) % 3, 'o': ['a', 'b'] * 30,
                           'loss': np.arange(60.0), 'val_loss': np.arange(60.0) ** 1.1})
        an.correlations(df, 'val_loss', ['x', 'o'])
        an.param_importance(df, 'val_loss', ['x', 'o'])
        an.parallel_coordinates(df, 'val_loss', ['x', 'o'])
        an.regression(df)
        print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'seaborn')))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(f"scanlab.analysis.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
