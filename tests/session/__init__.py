"""Tests of bridge.session: one module per source module."""
