"""ipexpath — clinical decision support for IPEX syndrome (FOXP3).

The pathway runs one way: case → suspect → confirm → counsel → report. Each step is a subpackage;
the command line (`ipexpath.cli`) and any later web app only call their public names.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ipexpath")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
