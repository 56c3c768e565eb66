"""The bridge's test suite."""
