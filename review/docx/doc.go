// Package docx reads and writes Word documents (WordprocessingML, ECMA-376
// Office Open XML): a zip of XML parts. It is a pure format package, like
// redline beside it, which its redline export writes as tracked changes:
// it knows nothing of storage or the web. It lives under review, not
// drafts, because that export needs the redline and drafts' packages do
// not import review's; the document import (a Markdown body from a .docx)
// uses only drafts' outline.
//
// Reading is bounded: Open refuses what is not a .docx (an old .doc, an
// encrypted file, a macro-enabled .docm, a damaged zip) and every part is
// read within one budget of uncompressed bytes (MaxUncompressed) and one
// XML nesting limit (MaxDepth), so a zip bomb or a deeply nested part costs
// at most that much time and memory.
package docx
