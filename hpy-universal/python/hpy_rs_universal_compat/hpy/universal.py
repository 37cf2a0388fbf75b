"""``hpy.universal`` for Pythons without the ``hpy`` package, served by
hpy-rs's host ``hpy_rs_universal``.

``hpy`` is a namespace package, and this directory is placed at the *end* of
``sys.path`` (``hpy_rs_universal_compat.pth``), so an installed ``hpy`` is
always found first: these modules only answer the imports it cannot.

The loader stubs that ``hpy.devel`` writes next to each universal binary do
``from hpy.universal import _load_bootstrap``; with this module they load
the binary through ``hpy_rs_universal`` unchanged.
"""

from hpy_rs_universal import (  # noqa: F401  (the API of hpy.universal)
    MODE_DEBUG,
    MODE_TRACE,
    MODE_UNIVERSAL,
    _debug,
    _trace,
    get_version,
    load,
)

_MODES = {"universal": MODE_UNIVERSAL, "debug": MODE_DEBUG, "trace": MODE_TRACE}


def _mode_from_env(module_name, env):
    """The mode the ``HPY`` variable of ``env`` asks for ``module_name``:
    ``HPY=MODE`` for every module, or ``HPY=NAME:MODE,NAME:MODE`` per module
    (a module not listed there is an error, as in ``hpy.universal``)."""
    value = env.get("HPY")
    if value is None:
        return MODE_UNIVERSAL
    if ":" in value:
        wanted = None
        for item in value.split(","):
            name, _, mode = item.partition(":")
            if name == module_name:
                wanted = mode
                break
    else:
        wanted = value
    mode = _MODES.get((wanted or "").lower())
    if mode is None:
        raise ValueError(f"invalid HPy mode: {value!r} (HPY is MODE or NAME:MODE,...; "
                         f"MODE is universal, debug or trace)")
    return mode


def _load_bootstrap(name, ext_name, package, file, loader, spec, env):
    """Loads the universal binary ``file`` for a loader stub: picks the mode
    from ``env['HPY']``, prints a line when ``HPY_LOG`` is set, and gives the
    module the stub's ``__file__``, ``__loader__``, ``__name__``,
    ``__package__`` and ``__spec__``."""
    mode = _mode_from_env(name, env)
    if env.get("HPY_LOG") is not None:
        how = {MODE_DEBUG: " with a debug context", MODE_TRACE: " with a trace context"}
        print(f"Loading {name!r} in HPy universal mode{how.get(mode, '')}")
    module = load(name, file, spec, mode=mode)
    module.__file__ = file
    module.__loader__ = loader
    module.__name__ = ext_name
    module.__package__ = package
    spec.origin = file
    module.__spec__ = spec
    return module

