"""ipexpath — clinical decision support for IPEX syndrome (FOXP3).

The pathway runs one way: case → suspect → confirm → counsel → report. Each step is a subpackage;
the command line (`ipexpath.cli`) and any later web app only call their public names.
"""

__version__ = "0.1.0"  # single source: pyproject reads it ([tool.setuptools.dynamic])

__all__ = ["__version__"]
