"""The set-up's QR code: SVG of shapes only, whatever text it encodes."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from functions.qr import SvgQrCodes

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = [
    "otpauth://totp/Acme:alice?secret=JBSWY3DPEHPK3PXP&issuer=Acme",
    '<script>alert(1)</script>"><img src=x onerror=alert(1)>',
    "]]><!ENTITY x SYSTEM 'file:///etc/passwd'>&x;",
    "javascript:alert(1) url(https://example.com/x) @import 'x'",
    "é" * 200,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_svg_is_shapes_only_and_never_carries_the_text(text: str) -> None:
    svg = SvgQrCodes().svg(text)
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert {e.tag for e in root.iter()} <= {f"{SVG}svg", f"{SVG}g", f"{SVG}path"}
    assert {name for e in root.iter() for name in e.attrib} <= {
        "width", "height", "transform", "fill", "stroke", "d"}
    assert all(not e.text or not e.text.strip() for e in root.iter())
    for fragment in ("script", "onerror", "ENTITY", "javascript", "url(", "@import", "<!", "<?"):
        assert fragment not in svg
    assert svg.count("http") == 1  # SVG's namespace, nothing else


def test_different_texts_give_different_codes() -> None:
    qr = SvgQrCodes()
    assert qr.svg("otpauth://totp/a?secret=AAAA") != qr.svg("otpauth://totp/a?secret=BBBB")
    assert qr.svg("same") == qr.svg("same")
