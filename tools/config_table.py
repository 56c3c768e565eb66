"""Print the README's configuration table from bridge.config.OPTIONS.

`tests/test_config.py` fails when README.md does not contain exactly this
output, so the table cannot drift from the code.
"""

from __future__ import annotations

from dataclasses import fields

from bridge.config import OPTIONS, Settings


def _default(name: str) -> str:
    value = next(f for f in fields(Settings) if f.name == name).default
    if name == "profile":
        return "`openai`"
    if value is None or value == "" or value == ():
        return "none"
    if isinstance(value, tuple):
        return ", ".join(f"`{v}`" for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"`{value}`"


def table() -> str:
    """The configuration table, in Markdown."""
    lines = ["| variable | flag | default | meaning |", "| --- | --- | --- | --- |"]
    for option in OPTIONS:
        variables = ", then ".join(f"`{v}`" for v in option.variables)
        flag = f"`--{option.name.replace('_', '-')}`" if option.flag else ""
        lines.append(f"| {variables} | {flag} | {_default(option.name)} | {option.help} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(table(), end="")
