"""The package version, in one place (read by the package, the CLI and results.json)."""

__version__ = "0.1.0"
