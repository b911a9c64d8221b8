"""The installation's signing certificate chain and key: what settings check at start-up, without
loading the C2PA library (web processes that never sign need not pay for it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

DEVELOPMENT_MARK = "DEVELOPMENT ONLY"  # in the organisation name of the development chain
_CURVES = {"secp256r1": "es256", "secp384r1": "es384"}


class SigningChainError(ValueError):
    """The certificate or key cannot be used; the message says which and why (never the key)."""


@dataclass(frozen=True)
class SigningChain:
    """A PEM certificate chain (signing certificate first) and its PEM private key."""

    certificate: str
    key: str = field(repr=False)

    @property
    def is_development(self) -> bool:
        return DEVELOPMENT_MARK in issuer_of(self.certificate)


def issuer_of(certificate_pem: str) -> str:
    """The signing certificate's organisation (what readers show as the issuer)."""
    try:
        certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
    except ValueError:
        raise SigningChainError("C2PA_SIGNING_CERT is not a PEM certificate.") from None
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)
    return str(names[0].value) if names else ""


def algorithm(key_pem: str) -> str:
    """The C2PA signing algorithm for a PEM private key (EC P-256/P-384, Ed25519 or RSA-PSS)."""
    try:
        key = serialization.load_pem_private_key(key_pem.encode(), password=None)
    except (ValueError, TypeError):
        raise SigningChainError("C2PA_SIGNING_KEY is not an unencrypted PEM private key.") from None
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name in _CURVES:
        return _CURVES[key.curve.name]
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    if isinstance(key, rsa.RSAPrivateKey):
        return "ps256"
    raise SigningChainError("C2PA_SIGNING_KEY must be an EC P-256/P-384, Ed25519 or RSA key.")
