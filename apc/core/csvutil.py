"""CSV plumbing shared by every export: streaming, and cells a spreadsheet cannot run."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Neutralise spreadsheet formula injection (OWASP "CSV injection")."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


class Echo:
    """A file-like object for csv.writer that returns each row, for StreamingHttpResponse."""

    def write(self, value: str) -> str:
        return value
