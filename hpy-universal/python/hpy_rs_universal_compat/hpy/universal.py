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

# In the order stock hpy tries them: an empty word or a prefix of two
# names (none today) picks the first.
_MODES = ((b"debug", MODE_DEBUG), (b"trace", MODE_TRACE), (b"universal", MODE_UNIVERSAL))


def _mode_named(word):
    """The mode ``word`` names: any ASCII-case-insensitive prefix of
    ``debug``, ``trace`` or ``universal`` (the empty word is ``debug``), as
    stock ``hpy.universal`` reads it; None for anything else."""
    word = word.encode("utf-8", "surrogatepass").lower()
    return next((mode for name, mode in _MODES if name.startswith(word)), None)


def _mode_from_env(module_name, env):
    """The mode the ``HPY`` variable of ``env`` asks for ``module_name``,
    read exactly as stock ``hpy.universal`` 0.9 reads it: unset is
    universal; ``HPY=MODE`` sets every module (``HPY=`` and ``HPY=deb`` are
    debug); with a ``:``, ``NAME:MODE`` entries separated by ``,`` and the
    first entry whose NAME begins the module's name decides (a module that
    no entry names is an error)."""
    value = env.get("HPY")
    if value is None:
        return MODE_UNIVERSAL
    word = value
    if ":" in value:
        word, rest = None, value
        wanted = module_name.encode("utf-8", "surrogatepass")
        while True:
            name, colon, tail = rest.partition(":")
            if not colon:
                break
            mode_word, comma, rest = tail.partition(",")
            if wanted.startswith(name.encode("utf-8", "surrogatepass")):
                word = mode_word
                break
            if not comma:
                break
    mode = None if word is None else _mode_named(word)
    if mode is None:
        raise ValueError(f"invalid HPy mode: {value[:50]} (HPY is MODE for every module, or "
                         f"NAME:MODE,NAME:MODE per module; MODE is universal, debug or trace)")
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

