"""Our distribution, ``news-timeline``: its version, and the one other package named ``timeline``.

The distribution is ``news-timeline``; the package it installs is ``timeline``. An unrelated
package on PyPI, the 2019 distribution ``timeline``, installs a top-level ``timeline`` package
too. With both installed, one has overwritten the other's files and uninstalling either
deletes the other's, so the import refuses, naming both and the fix. The check costs one
metadata lookup in folders that ``version()`` has just listed (well under a millisecond).
"""

from __future__ import annotations

from importlib import metadata

#: The name this library is installed under (``pip install news-timeline``).
DISTRIBUTION = "news-timeline"
#: An unrelated distribution whose files include a top-level ``timeline`` package.
OTHER = "timeline"


def installed_version() -> str:
    """Our distribution's version, or ``0+unknown`` in a checkout that was never installed."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+unknown"


def refuse_a_shared_package() -> None:
    """Raise :class:`ImportError` if a distribution named ``timeline`` installs our package."""
    try:
        other = metadata.distribution(OTHER)
    except metadata.PackageNotFoundError:
        return
    files = other.files or ()
    if not any(file.parts == ("timeline", "__init__.py") for file in files):
        return  # not a top-level timeline package (e.g. an editable install's .pth file)
    version = other.version or "?"
    raise ImportError(
        f"two distributions install the 'timeline' package: {DISTRIBUTION} (this library) and "
        f"{OTHER} {version} (an unrelated package), so the files of one have overwritten the "
        f"other's. Remove the other and reinstall this one: "
        f"pip uninstall {OTHER} && pip install --force-reinstall {DISTRIBUTION}"
    )
