package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strings"

	"policydesk"
)

// Bounds of what Open and the readers accept.
const (
	// MaxUncompressed is the most bytes all parts of a package may hold
	// uncompressed, by their headers and as actually read.
	MaxUncompressed = 50 << 20
	// MaxParts is the most files a package may hold.
	MaxParts = 5000
	// MaxDepth is the deepest XML element nesting a part may have. Word's
	// own documents stay far below it (tables in tables included).
	MaxDepth = 200
)

// Content types of the main document part.
const (
	ctDocument        = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	ctTemplate        = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
	ctMacroDoc        = "application/vnd.ms-word.document.macroEnabled.main+xml"
	ctMacroTpl        = "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"
	relOfficeDocument = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
	relStrictDocument = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
)

// oleMagic starts an OLE compound file: an old Word .doc, or a .docx
// encrypted with a password (Word wraps those in OLE).
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// Package is an opened .docx: its parts by name and the main document's
// part name. Reading parts spends one shared budget of MaxUncompressed
// bytes.
type Package struct {
	files  map[string]*zip.File
	Main   string // the main document part, usually "word/document.xml"
	budget int64
}

// Open checks that data is a Word document this package may read and
// returns it opened. Its refusals are policydesk EInvalid errors whose
// messages say what the file is and what to do.
func Open(r io.ReaderAt, size int64) (*Package, error) {
	head := make([]byte, 8)
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	if bytes.Equal(head, oleMagic) {
		if oleEncrypted(r, size) {
			return nil, policydesk.Errorf(policydesk.EInvalid, "The file is protected with a password. Remove the password in Word (File, Info, Protect Document) and upload it again.")
		}
		return nil, policydesk.Errorf(policydesk.EInvalid, "The file is an old Word document (.doc). Save it as a Word document (.docx) and upload it again.")
	}
	if !bytes.HasPrefix(head, []byte("PK")) {
		return nil, policydesk.Errorf(policydesk.EInvalid, "The file is not a Word document (.docx).")
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, policydesk.Errorf(policydesk.EInvalid, "The file is damaged: it is not a readable zip archive, as a .docx must be.")
	}
	if len(zr.File) > MaxParts {
		return nil, policydesk.Errorf(policydesk.EInvalid, "The file holds more than %d parts; a Word document holds far fewer.", MaxParts)
	}
	p := &Package{files: make(map[string]*zip.File, len(zr.File)), budget: MaxUncompressed}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > MaxUncompressed {
			return nil, policydesk.Errorf(policydesk.EInvalid, "The file is larger than %d MB uncompressed.", MaxUncompressed>>20)
		}
		name := strings.TrimPrefix(f.Name, "/")
		p.files[strings.ToLower(name)] = f
		if strings.EqualFold(path.Base(name), "vbaProject.bin") {
			return nil, macros()
		}
	}
	if err := p.findMain(); err != nil {
		return nil, err
	}
	return p, nil
}

func macros() error {
	return policydesk.Errorf(policydesk.EInvalid, "The file contains macros (.docm). Save it as a Word document without macros (.docx) and upload it again.")
}

// findMain reads [Content_Types].xml and the package relationships to find
// the main document part, and refuses macro-enabled documents.
func (p *Package) findMain() error {
	var types struct {
		Overrides []struct {
			PartName    string `xml:"PartName,attr"`
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Override"`
	}
	if err := p.unmarshal("[Content_Types].xml", &types); err != nil {
		return err
	}
	byPart := map[string]string{}
	for _, o := range types.Overrides {
		ct := strings.ToLower(strings.TrimSpace(o.ContentType))
		if ct == strings.ToLower(ctMacroDoc) || ct == strings.ToLower(ctMacroTpl) {
			return macros()
		}
		byPart[strings.ToLower(strings.TrimPrefix(o.PartName, "/"))] = ct
	}
	var rels relationships
	if err := p.unmarshal("_rels/.rels", &rels); err != nil {
		return err
	}
	for _, r := range rels.Rels {
		if r.Type != relOfficeDocument && r.Type != relStrictDocument {
			continue
		}
		name := strings.ToLower(strings.TrimPrefix(path.Clean("/"+r.Target), "/"))
		ct := byPart[name]
		if ct != ctDocument && ct != ctTemplate {
			break
		}
		if _, ok := p.files[name]; !ok {
			break
		}
		p.Main = name
		return nil
	}
	return policydesk.Errorf(policydesk.EInvalid, "The file is not a Word document (.docx): it has no Word text part.")
}

type relationships struct {
	Rels []Relationship `xml:"Relationship"`
}

// Relationship is one entry of a part's relationships (its .rels part).
type Relationship struct {
	ID         string `xml:"Id,attr"`
	Type       string `xml:"Type,attr"`
	Target     string `xml:"Target,attr"`
	TargetMode string `xml:"TargetMode,attr"`
}

// Relationships returns the relationships of part (e.g. the main
// document's footnotes, comments and hyperlinks), none if it has none.
func (p *Package) Relationships(part string) ([]Relationship, error) {
	dir, base := path.Split(strings.ToLower(part))
	name := dir + "_rels/" + base + ".rels"
	if !p.Has(name) {
		return nil, nil
	}
	var rels relationships
	if err := p.unmarshal(name, &rels); err != nil {
		return nil, err
	}
	return rels.Rels, nil
}

// RelatedPart returns the part name of the first relationship of part whose
// type ends with typeSuffix (e.g. "/comments", "/footnotes"), "" if none.
func (p *Package) RelatedPart(part, typeSuffix string) (string, error) {
	rels, err := p.Relationships(part)
	if err != nil {
		return "", err
	}
	for _, r := range rels {
		if strings.HasSuffix(r.Type, typeSuffix) && r.TargetMode != "External" {
			name := strings.ToLower(strings.TrimPrefix(path.Clean(path.Join("/", path.Dir(part), r.Target)), "/"))
			if p.Has(name) {
				return name, nil
			}
		}
	}
	return "", nil
}

// Has says whether the package holds a part of that name (names compare
// without case, as OPC says).
func (p *Package) Has(name string) bool {
	_, ok := p.files[strings.ToLower(strings.TrimPrefix(name, "/"))]
	return ok
}

// Part opens part name for reading within the package's budget. The
// reader fails once the package's parts together pass MaxUncompressed.
func (p *Package) Part(name string) (io.ReadCloser, error) {
	f, ok := p.files[strings.ToLower(strings.TrimPrefix(name, "/"))]
	if !ok {
		return nil, policydesk.Errorf(policydesk.EInvalid, "The file is damaged: its part %s is missing.", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, policydesk.Errorf(policydesk.EInvalid, "The file is damaged: its part %s cannot be read.", name)
	}
	return &budgetReader{rc: rc, p: p, name: name}, nil
}

type budgetReader struct {
	rc   io.ReadCloser
	p    *Package
	name string
}

func (b *budgetReader) Read(buf []byte) (int, error) {
	if b.p.budget <= 0 {
		return 0, policydesk.Errorf(policydesk.EInvalid, "The file is larger than %d MB uncompressed.", MaxUncompressed>>20)
	}
	if int64(len(buf)) > b.p.budget {
		buf = buf[:b.p.budget+1]
	}
	n, err := b.rc.Read(buf)
	b.p.budget -= int64(n)
	if b.p.budget < 0 {
		return n, policydesk.Errorf(policydesk.EInvalid, "The file is larger than %d MB uncompressed.", MaxUncompressed>>20)
	}
	if err != nil && err != io.EOF {
		var pe *policydesk.Error
		if !errors.As(err, &pe) {
			err = policydesk.Errorf(policydesk.EInvalid, "The file is damaged: its part %s cannot be read.", b.name)
		}
	}
	return n, err
}

func (b *budgetReader) Close() error { return b.rc.Close() }

// Decoder is an XML token reader over one part that refuses nesting deeper
// than MaxDepth.
type Decoder struct {
	*xml.Decoder
	depth int
	name  string
}

// NewDecoder returns a depth-limited decoder over r, the part name (for
// messages).
func NewDecoder(r io.Reader, name string) *Decoder {
	d := xml.NewDecoder(r)
	d.Strict = true
	return &Decoder{Decoder: d, name: name}
}

// Token returns the next token like xml.Decoder.Token, with errors as
// policydesk EInvalid errors.
func (d *Decoder) Token() (xml.Token, error) {
	tok, err := d.Decoder.Token()
	if err != nil {
		if err == io.EOF {
			return nil, err
		}
		var pe *policydesk.Error
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, policydesk.Errorf(policydesk.EInvalid, "The file is damaged: its part %s is not well-formed XML.", d.name)
	}
	switch tok.(type) {
	case xml.StartElement:
		d.depth++
		if d.depth > MaxDepth {
			return nil, policydesk.Errorf(policydesk.EInvalid, "The file nests its content deeper than %d levels; a Word document does not.", MaxDepth)
		}
	case xml.EndElement:
		d.depth--
	}
	return tok, nil
}

// Skip skips to the end of the element just started, within the depth
// limit.
func (d *Decoder) Skip() error {
	for depth := 1; depth > 0; {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// Open opens part name as a depth-limited decoder; close the closer after.
func (p *Package) Open(name string) (*Decoder, io.Closer, error) {
	rc, err := p.Part(name)
	if err != nil {
		return nil, nil, err
	}
	return NewDecoder(rc, name), rc, nil
}

// unmarshal decodes a small part (content types, relationships) into v,
// within the depth limit.
func (p *Package) unmarshal(name string, v any) error {
	d, c, err := p.Open(name)
	if err != nil {
		if !p.Has(name) {
			return policydesk.Errorf(policydesk.EInvalid, "The file is not a Word document (.docx): it has no %s.", name)
		}
		return err
	}
	defer c.Close()
	if err := d.DecodeElement(v, nil); err != nil {
		var pe *policydesk.Error
		if errors.As(err, &pe) {
			return err
		}
		return policydesk.Errorf(policydesk.EInvalid, "The file is damaged: its part %s is not well-formed XML.", name)
	}
	return nil
}

// oleEncrypted says whether an OLE compound file holds an "EncryptionInfo"
// stream, as a password-protected .docx does. Directory entry names are
// UTF-16; a scan of the first megabyte finds the name in any file Word or
// LibreOffice writes.
func oleEncrypted(r io.ReaderAt, size int64) bool {
	n := min(size, 1<<20)
	buf := make([]byte, n)
	m, _ := r.ReadAt(buf, 0)
	name := utf16le("EncryptionInfo")
	return bytes.Contains(buf[:m], name)
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for _, c := range s {
		b = append(b, byte(c), 0)
	}
	return b
}
