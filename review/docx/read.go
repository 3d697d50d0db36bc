package docx

import (
	"context"
	"encoding/xml"
	"strconv"
	"strings"

	"policydesk"
)

// Imported is a Word document read as Policy Desk Markdown.
type Imported struct {
	// Markdown is the text: headings, "Neni N" articles, numbered
	// paragraphs, lists, pipe tables, links and footnotes.
	Markdown string
	// Title is the document's title from its properties, "" when unset.
	Title string
	// TrackedChanges counts the insertions, deletions and moves that were
	// accepted: the text reads as after Word's "Accept all".
	TrackedChanges int
	// Notes say what was left out or changed on the way, for the user.
	Notes []Note
}

// Note is one thing the reader left out or changed, counted. Code is one
// of the Note* constants.
type Note struct {
	Code  string `json:"code"`
	Count int    `json:"count"`
}

// What the reader leaves out or changes, as Note codes.
const (
	NoteTrackedChanges = "tracked_changes" // accepted
	NoteComments       = "comments"        // ignored
	NoteImages         = "images"          // left out
	NoteTextBoxes      = "text_boxes"      // left out
	NoteHeadersFooters = "headers_footers" // left out
	NoteFields         = "fields"          // codes left out, shown results kept
	NoteEquations      = "equations"       // left out
	NoteNestedTables   = "nested_tables"   // flattened into their cell
)

// counts are what the reader met that the Markdown cannot hold.
type counts struct {
	tracked, comments, images, textBoxes, fields, equations, nestedTables int
}

// reader is the state of one Read.
type reader struct {
	ctx    context.Context
	p      *Package
	d      *Decoder
	styles styles
	lists  numbering
	links  map[string]string // relationship id → target, of the part being read
	notes  map[string]string // "foo:id" / "end:id" → the note's text
	order  map[string]int    // "foo:id" / "end:id" → footnote number, by first reference
	noted  []string          // the referenced notes in number order
	counts counts
	size   int // bytes of text read, against max
	max    int
	tokens int
}

// Read turns an opened Word document into Markdown of at most maxBytes
// bytes of text. Headers, footers, images, text boxes and field codes are
// left out and the result says so; tracked changes are accepted and
// counted; comments are ignored and counted. It returns a policydesk
// EInvalid error for a damaged document and ETooLarge for one whose text
// is beyond maxBytes.
func Read(ctx context.Context, p *Package, maxBytes int) (*Imported, error) {
	r := &reader{ctx: ctx, p: p, max: maxBytes, order: map[string]int{}, notes: map[string]string{}}
	var err error
	if r.styles, err = p.readStyles(); err != nil {
		return nil, err
	}
	if r.lists, err = p.readNumbering(); err != nil {
		return nil, err
	}
	for _, kind := range []string{"foo", "end"} {
		if err := r.readNotes(kind); err != nil {
			return nil, err
		}
	}
	w := &mdWriter{r: r}
	if err := r.readPart(p.Main, func() error { return r.blocks(w.block) }); err != nil {
		return nil, err
	}
	w.footnotes()
	out := &Imported{Markdown: strings.TrimSpace(w.b.String()) + "\n", TrackedChanges: r.counts.tracked}
	if len(out.Markdown) > maxBytes {
		return nil, policydesk.Errorf(policydesk.ETooLarge, "The document's text is larger than %d MiB, the most a version may hold.", maxBytes>>20)
	}
	out.Title, _ = p.coreTitle()
	out.Notes, err = r.notesFor(p)
	return out, err
}

// readPart opens part, loads its hyperlink targets and runs read on its
// decoder positioned at the start.
func (r *reader) readPart(part string, read func() error) error {
	rels, err := r.p.Relationships(part)
	if err != nil {
		return err
	}
	r.links = map[string]string{}
	for _, rel := range rels {
		if strings.HasSuffix(rel.Type, "/hyperlink") {
			r.links[rel.ID] = rel.Target
		}
	}
	d, c, err := r.p.Open(part)
	if err != nil {
		return err
	}
	defer c.Close()
	r.d = d
	// The root element (w:document, w:footnotes) is opened here; blocks
	// and notes read until it ends.
	for {
		tok, err := r.token()
		if err != nil {
			return err
		}
		if _, ok := tok.(xml.StartElement); ok {
			return read()
		}
	}
}

// readNotes reads footnotes.xml or endnotes.xml (kind "foo" or "end"):
// each note's paragraphs, kept until the text refers to them.
func (r *reader) readNotes(kind string) error {
	part := map[string]string{"foo": "/footnotes", "end": "/endnotes"}[kind]
	name, err := r.p.RelatedPart(r.p.Main, part)
	if err != nil || name == "" {
		return err
	}
	return r.readPart(name, func() error {
		return r.children(func(t xml.StartElement) (bool, error) {
			if typ := attr(t, "type"); typ != "" && typ != "normal" {
				return true, r.skip() // the separator lines
			}
			var parts []string
			err := r.blocks(func(b block) error {
				if s := r.flat(b, false); s != "" {
					parts = append(parts, s)
				}
				return nil
			})
			r.notes[kind+":"+attr(t, "id")] = strings.Join(parts, " ")
			return true, err
		}, nil)
	})
}

// noteNumber numbers the notes in the order the text first refers to them.
func (r *reader) noteNumber(kind, id string) int {
	key := kind + ":" + id
	if _, ok := r.notes[key]; !ok {
		return 0
	}
	if n, ok := r.order[key]; ok {
		return n
	}
	r.noted = append(r.noted, key)
	r.order[key] = len(r.noted)
	return len(r.noted)
}

// notesFor lists what was left out or changed, largest news first.
func (r *reader) notesFor(p *Package) ([]Note, error) {
	c := r.counts
	hf := 0
	rels, err := p.Relationships(p.Main)
	if err != nil {
		return nil, err
	}
	for _, rel := range rels {
		if strings.HasSuffix(rel.Type, "/header") || strings.HasSuffix(rel.Type, "/footer") {
			hf++
		}
	}
	var out []Note
	for _, n := range []Note{{NoteTrackedChanges, c.tracked}, {NoteComments, c.comments}, {NoteImages, c.images},
		{NoteTextBoxes, c.textBoxes}, {NoteHeadersFooters, hf}, {NoteEquations, c.equations},
		{NoteNestedTables, c.nestedTables}, {NoteFields, c.fields}} {
		if n.Count > 0 {
			out = append(out, n)
		}
	}
	return out, nil
}

// coreTitle returns the title in docProps/core.xml, "" when there is none.
func (p *Package) coreTitle() (string, error) {
	name := ""
	rels, err := p.Relationships("")
	if err != nil {
		return "", err
	}
	for _, rel := range rels {
		if strings.HasSuffix(rel.Type, "/core-properties") {
			name = strings.TrimPrefix(rel.Target, "/")
		}
	}
	if name == "" || !p.Has(name) {
		return "", nil
	}
	var core struct {
		Title string `xml:"title"`
	}
	if err := p.unmarshal(name, &core); err != nil {
		return "", err
	}
	return strings.Join(strings.Fields(core.Title), " "), nil
}

func itoa(n int) string { return strconv.Itoa(n) }
