"""nandoctor: tells you why your numpy training code went NaN, blew up, or will not learn."""

__version__ = "0.1.0"

from .api import step, trace  # noqa: E402
from .session import Session, load  # noqa: E402

__all__ = ["trace", "step", "load", "Session", "__version__"]
