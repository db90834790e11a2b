"""QR codes as SVG (segno): the picture of an authenticator set-up's otpauth:// URI."""

from __future__ import annotations

import io


class SvgQrCodes:
    """Rendered on the server, so the page needs no QR library and asks no other origin.

    segno writes only <svg>, <g> and <path> with geometry and two colours: the text is
    in the path's shape, never in the markup, so the SVG is safe to put inline (no
    script, no link, no reference, no title that could carry the secret).
    """

    def svg(self, text: str) -> str:
        # Imported here: only the set-up route pays for it, not every cold start.
        import segno  # noqa: PLC0415

        buffer = io.BytesIO()
        # Dark on an explicit light ground with the standard quiet zone: scannable
        # whatever the page's colour scheme.
        segno.make(text, error="m", micro=False).save(
            buffer, kind="svg", xmldecl=False, svgns=True, svgclass=None, lineclass=None,
            nl=False, scale=4, border=4, dark="#000", light="#fff")
        return buffer.getvalue().decode()
