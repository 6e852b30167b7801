"""The one exception of the configuration language."""


class ConfigError(Exception):
    """A configuration mistake, located by file and line."""

    def __init__(self, message, file=None, line=None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self):
        where = f"{self.file}:{self.line}: " if self.file else ""
        return where + self.message
