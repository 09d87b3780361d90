"""discourse: rebuild reply trees from saved comment sections, classify replies, report debates."""

from discourse.errors import DataError, DiscourseError, InputError, ModelError
from discourse.export import read_output
from discourse.model import LABELS, LAYOUTS, Comment, Thread
from discourse.read import iter_threads, parse_file, read_file
from discourse.read.text import parse_text

__all__ = [
    "LABELS",
    "LAYOUTS",
    "Comment",
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
    "Classifier",
]
__version__ = "0.1.0"


def __getattr__(name: str):
    # The classifier pulls in scikit-learn; import it only when asked for.
    if name == "Classifier":
        from discourse.classify import Classifier

        return Classifier
    raise AttributeError(name)
