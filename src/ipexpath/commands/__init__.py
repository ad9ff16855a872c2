"""Sub-commands of the `ipexpath` CLI, one module each; every module exposes `command`."""
