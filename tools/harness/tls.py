"""Test certificates for a TLS server on loopback, made by trustme."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Certificates", "write_certificates"]


@dataclass(frozen=True)
class Certificates:
    """A CA's certificate and a server certificate (chain and key) it issued, as PEM files."""

    ca: Path
    cert: Path
    key: Path


def write_certificates(folder: Path) -> Certificates:
    """A new CA and a certificate for 127.0.0.1 and localhost, written into `folder`."""
    import trustme

    folder.mkdir(parents=True, exist_ok=True)
    authority = trustme.CA()
    leaf = authority.issue_cert("127.0.0.1", "localhost")
    files = Certificates(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    authority.cert_pem.write_to_path(str(files.ca))
    leaf.private_key_pem.write_to_path(str(files.key))
    with files.cert.open("wb") as chain:
        for blob in leaf.cert_chain_pems:
            chain.write(blob.bytes())
    return files
