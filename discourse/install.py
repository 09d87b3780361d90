"""The distribution's name and the install hints every "needs an extra" message gives.

The import package and the command are ``discourse``; the distribution on PyPI is
``discourse-analyzer`` (``discourse`` there is an unrelated package, a wrapper of the
Discourse forum API, so ``pip install 'discourse[…]'`` would install the wrong thing).
"""

from __future__ import annotations

#: The name to give pip (``[project] name`` in ``pyproject.toml``).
DISTRIBUTION = "discourse-analyzer"


def pip_hint(extra: str | None = None) -> str:
    """``pip install 'discourse-analyzer[EXTRA]'`` (from a clone: ``pip install -e
    '.[EXTRA]'`` installs the same)."""
    return f"pip install '{DISTRIBUTION}[{extra}]'" if extra else f"pip install {DISTRIBUTION}"


def require(module: str, extra: str, purpose: str, error: type[Exception] | None = None):
    """``import module``, or raise ``error`` (default :class:`~discourse.errors.UsageError`,
    exit 2) with one line naming what needs it and the extra that installs it:
    ``--format parquet needs pyarrow: pip install 'discourse-analyzer[parquet]'``."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        if error is None:
            from discourse.errors import UsageError as error
        raise error(f"{purpose} needs {module.split('.')[0]}: {pip_hint(extra)}") from None
