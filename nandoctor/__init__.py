"""nandoctor: tells you why your numpy training code went NaN, blew up, or will not learn."""

__version__ = "0.1.0"

import importlib as _importlib  # noqa: E402
import sys as _sys  # noqa: E402
import types as _types  # noqa: E402

# The public names are imported on first use: `import nandoctor` must stay cheap, because the pytest
# plugin and the IPython extension import this package in every run where nandoctor is installed,
# and the tracer pulls in pandas (half a second).
_LAZY = {
    "trace": ".api",
    "step": ".api",
    "TraceError": ".api",
    "load": ".session",
    "Session": ".session",
}


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nandoctor' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


class _Package(_types.ModuleType):
    """Keeps `nandoctor.trace` the tracing API: importing the subpackage `nandoctor.trace` would
    otherwise bind the name to the subpackage (it stays reachable as sys.modules["nandoctor.trace"])."""

    def __setattr__(self, name, value):
        if name == "trace" and isinstance(value, _types.ModuleType):
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package


def load_ipython_extension(ipython):
    """`%load_ext nandoctor`: the %nandoctor and %%nandoctor magics (see nandoctor.ipython)."""
    from .ipython import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython):
    from .ipython import unload_ipython_extension as unload

    unload(ipython)


__all__ = ["trace", "step", "load", "Session", "__version__"]
