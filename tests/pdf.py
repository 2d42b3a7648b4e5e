"""A real, tiny PDF with text, written by hand (no PDF library needed): one page per entry of ``pages``, each a list
of lines. ASCII lines use Helvetica; lines with Chinese use the standard Adobe-GB1 font STSong-Light with the
UniGB-UCS2-H CMap (not embedded, as Chinese office software writes them), so a viewer needs its CMaps to read them."""

from __future__ import annotations


def _ascii(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _ucs2(text: str) -> str:
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def text_pdf(pages: list[list[str]]) -> bytes:
    objects: list[bytes] = []

    def add(body: str | bytes) -> int:
        objects.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(objects)

    catalog = add("")  # filled in below, once the page tree's number is known
    pages_obj = add("")
    helvetica = add("<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>")
    descriptor = add("<</Type/FontDescriptor/FontName/STSong-Light/Flags 6/FontBBox[-25 -254 1000 880]/ItalicAngle 0"
                     "/Ascent 880/Descent -120/CapHeight 880/StemV 93>>")
    descendant = add(f"<</Type/Font/Subtype/CIDFontType0/BaseFont/STSong-Light"
                     f"/CIDSystemInfo<</Registry(Adobe)/Ordering(GB1)/Supplement 4>>/FontDescriptor {descriptor} 0 R/DW 1000>>")
    song = add(f"<</Type/Font/Subtype/Type0/BaseFont/STSong-Light-UniGB-UCS2-H/Encoding/UniGB-UCS2-H"
               f"/DescendantFonts[{descendant} 0 R]>>")
    kids = []
    for lines in pages:
        ops = ["BT"]
        y = 780
        for line in lines:
            if line.isascii():
                ops.append(f"/F1 14 Tf 1 0 0 1 56 {y} Tm {_ascii(line)} Tj")
            else:
                ops.append(f"/F2 14 Tf 1 0 0 1 56 {y} Tm {_ucs2(line)} Tj")
            y -= 24
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        content = add(b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(f"<</Type/Page/Parent {pages_obj} 0 R/MediaBox[0 0 595 842]/Contents {content} 0 R"
                        f"/Resources<</Font<</F1 {helvetica} 0 R/F2 {song} 0 R>>>>>>"))
    objects[catalog - 1] = f"<</Type/Catalog/Pages {pages_obj} 0 R>>".encode()
    objects[pages_obj - 1] = (f"<</Type/Pages/Kids[{' '.join(f'{k} 0 R' for k in kids)}]/Count {len(kids)}>>").encode()

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root %d 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    return bytes(out)
