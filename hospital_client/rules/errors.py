"""The rules core's exception hierarchy, in one place.

Every error carries enough to tell a clerk or an IT person exactly what is wrong:
the file, the key or field, and the problem.
"""

from __future__ import annotations

from ..errors import EXIT_BAD_INPUT, QT_TRANSLATE_NOOP, HospitalClientError


class RulesError(HospitalClientError):
    """Base class for everything the rules core raises on purpose."""

    exit_code = EXIT_BAD_INPUT


class PackError(RulesError):
    """A policy pack that cannot be used: unreadable, malformed or invalid."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "No usable policy pack for this settlement. Ask IT to check the site's policy packs.")

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file = file
        self.key = key
        self.problem = problem
        where = f"{file}: {key}" if key else file
        super().__init__(f"{where}: {problem}")


class CatalogError(RulesError):
    """A catalogue file that cannot be used."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "The medical-list catalogue cannot be used. Ask IT to check it.")

    def __init__(self, file: str, line: int, field: str, problem: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
        where = f"{file}:{line}" + (f": {field}" if field else "")
        super().__init__(f"{where}: {problem}")


class RequestError(RulesError):
    """A settlement request that is malformed or does not fit the chosen pack.

    `code` is a stable machine-readable kind of problem (e.g. "missing", "not_number",
    "amount_mismatch") that the UI turns into a translated message; `problem` is English detail.
    """

    clerk_text = QT_TRANSLATE_NOOP("errors", "The settlement data is not valid.")

    def __init__(self, field: str, problem: str, code: str = "invalid") -> None:
        self.field = field
        self.problem = problem
        self.code = code
        super().__init__(f"{field}: {problem}" if field else problem)


class NoPackError(RulesError):
    """No policy pack covers the request's region, insurance type and date."""

    clerk_text = QT_TRANSLATE_NOOP("errors", "No usable policy pack for this settlement. Ask IT to check the site's policy packs.")
