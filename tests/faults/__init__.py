"""Fault injection: a real bridge against an upstream that misbehaves on purpose."""
