"""Import pyas2lib on any OpenSSL: work around oscrypto 1.3.0's version check.

pyas2lib pins oscrypto 1.3.0, whose libcrypto loader reads the OpenSSL version with a regex
that only accepts one digit per part, so it refuses "OpenSSL 3.0.19" (Debian 12) with
``LibraryNotFoundError('Error detecting the version of libcrypto')`` (wbond/oscrypto#75 and
#78, fixed on oscrypto's master but never released to PyPI). When, and only when, that exact
error happens, the loader module is run again from its own source with the regex of the fix
(``\\d+`` per part); everything else in oscrypto is left as installed.
"""

import importlib
import importlib.util
import sys

_BUGGY = "'\\\\b(\\\\d\\\\.\\\\d\\\\.\\\\d[a-z]*)\\\\b'"
_FIXED = "'\\\\b(\\\\d+\\\\.\\\\d+\\\\.\\\\d+[a-z]*)\\\\b'"
_LOADERS = ("oscrypto._openssl._libcrypto_cffi", "oscrypto._openssl._libcrypto_ctypes")


def _reload_fixed(name):
    spec = importlib.util.find_spec(name)
    source = spec.loader.get_source(name)
    if _BUGGY not in source:
        return False
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        exec(compile(source.replace(_BUGGY, _FIXED), spec.origin, "exec"), module.__dict__)
    except Exception:
        sys.modules.pop(name, None)
        raise
    return True


def import_pyas2lib():
    """``pyas2lib.as2``, importable even where oscrypto misreads the OpenSSL version."""
    try:
        importlib.import_module("oscrypto.asymmetric")
    except Exception as exc:  # oscrypto.errors.LibraryNotFoundError
        if "version of libcrypto" not in str(exc):
            raise
        from oscrypto import ffi

        loader = _LOADERS[0] if ffi() == "cffi" else _LOADERS[1]
        if not _reload_fixed(loader):
            raise
        importlib.import_module("oscrypto.asymmetric")
    return importlib.import_module("pyas2lib.as2")
