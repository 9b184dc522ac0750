"""PDF compilation of many variants: documents with the same LaTeX are compiled once."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

import derive.build.documents as documents
from derive.build.documents import Document, compile_pdfs
from derive.spec import parse_spec

SPEC = parse_spec("title: T\nexercises:\n  - {id: a, shapes: {x: [n]}, expr: x.T @ x, wrt: x}\n",
                  "t.yaml")


def test_alike_documents_compile_once(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def fake(text: str, *, label: str, scratch: Path | None = None) -> bytes:
        seen.append(text)
        return f"pdf of {text}".encode()

    monkeypatch.setattr(documents, "compile_pdf", fake)
    texts = ["A", "B", "A", "A"]
    docs = [Document(PurePosixPath(f"t/{n}.pdf"), "pdf", text, SPEC, "problems")
            for n, text in enumerate(texts)]
    docs.append(Document(PurePosixPath("t/x.md"), "md", "A", SPEC, "problems"))
    told: list[tuple[int, int]] = []
    pdfs = compile_pdfs(docs, workers=2, progress=lambda done, total: told.append((done, total)))
    assert pdfs == [b"pdf of A", b"pdf of B", b"pdf of A", b"pdf of A", None]
    assert sorted(seen) == ["A", "B"]
    assert told == [(1, 2), (2, 2)]
