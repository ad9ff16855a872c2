"""One root exception for every problem ipexpath reports to a person, with a few specific kinds.

`InputError` (and subclasses) means the user's input is wrong: the CLI prints the message and the
suggestion and exits with code 2. Any other `IpexpathError` exits with code 1.
"""

from __future__ import annotations


class IpexpathError(Exception):
    """Any problem ipexpath explains to its user (never shown with a traceback)."""

    def __init__(self, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion

    def __str__(self) -> str:
        if self.suggestion:
            return f"{self.message}\nSuggestion: {self.suggestion}"
        return self.message


class InputError(IpexpathError):
    """The input (file, flag, identifier) cannot be used as given. Exit code 2."""


class UnknownTermError(InputError):
    """An HPO identifier that the loaded HPO release does not know."""


class KnowledgeError(IpexpathError):
    """The knowledge base (HPO release, data files) could not be loaded."""


class HpoDirectoryError(KnowledgeError, InputError):
    """A user-named HPO release directory is missing a file or is unreadable. Exit code 2."""


class OutputError(InputError, OSError):
    """An output place that cannot be written (a folder, no permission, full disk). Exit code 2.

    Also an `OSError`, so callers that already handle failed writes keep working."""
