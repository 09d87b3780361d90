"""discourse: rebuild reply trees from saved comment sections, classify replies, report debates.

In a notebook: ``discourse.read(paths) -> Corpus`` (:mod:`discourse.corpus`), and the
report's charts as plotly figures (:mod:`discourse.report.figures`)."""

import sys as _sys

from discourse.corpus import CallablePackage as _CallablePackage
from discourse.corpus import Corpus
from discourse.errors import DataError, DiscourseError, InputError, ModelError
from discourse.labels import LABELS
from discourse.model import LAYOUTS, Comment, Thread
from discourse.read import iter_threads, parse_file, read_file
from discourse.read.text import parse_text
from discourse.write import read_output

# ``discourse.read`` stays the readers' package and is also callable:
# discourse.read(paths) -> Corpus (discourse.corpus.read).
_sys.modules["discourse.read"].__class__ = _CallablePackage

__all__ = [
    "LABELS",
    "LAYOUTS",
    "Comment",
    "Corpus",
    "DataError",
    "DiscourseError",
    "InputError",
    "ModelError",
    "Thread",
    "iter_threads",
    "parse_file",
    "parse_text",
    "read_file",
    "read_output",
    "load_model",
    "annotate",
]
__version__ = "0.1.0"


def __getattr__(name: str):
    # The classifier pulls in scikit-learn; import it only when asked for.
    if name in ("load_model", "annotate"):
        import discourse.classify

        return getattr(discourse.classify, name)
    raise AttributeError(name)
