package extract

import (
	"bytes"
	"io"
	"reflect"
	"strings"

	"github.com/ledongthuc/pdf"
)

// Bounds of the PDF page tree. Real trees are a few levels deep (a flat
// list of pages, or a balanced tree of fanout ~10); a file of MaxInput
// bytes cannot hold more than tens of thousands of real pages.
const (
	MaxPDFPages     = 20_000
	MaxPDFTreeDepth = 64
)

// pdfText reads the text layer of a PDF (scans without one yield nothing).
// The page tree is walked here, with a visited set and bounds, instead of
// by the reader's own page lookup: that one follows /Kids and /Parent
// without noticing loops and trusts /Count, so one small file kept it busy
// for ever. The reader panics on some malformed files; that is contained.
func pdfText(r io.Reader) (text string, err error) {
	data, err := readAllLimited(r)
	if err != nil {
		return "", err
	}
	return pdfTextAt(bytes.NewReader(data), int64(len(data)))
}

// pdfTextAt reads the PDF in ra, which the reader reads again for every
// object it loads.
func pdfTextAt(ra io.ReaderAt, size int64) (text string, err error) {
	defer func() {
		if p := recover(); p != nil {
			text, err = "", refused("the PDF is malformed: %v", p)
		}
	}()
	pr, err := pdf.NewReader(ra, size)
	if err != nil {
		return "", refused("the file is not a readable PDF: %v", err)
	}
	pages, err := pageTree(pr)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, p := range pages {
		t, err := p.page.GetPlainText(p.fonts)
		if err != nil {
			continue // a page the reader cannot read; the others still count
		}
		b.WriteString(t)
		if b.Len() >= MaxText {
			break
		}
	}
	return cutText(b.String()), nil
}

// pageTree lists the pages in order, refusing a tree that loops, that is
// deeper than MaxPDFTreeDepth, that declares or holds more than
// MaxPDFPages pages, or whose pages' /Parent chains loop (the reader walks
// them to find a page's resources).
func pageTree(r *pdf.Reader) ([]treePage, error) {
	root := r.Trailer().Key("Root").Key("Pages")
	if root.Kind() != pdf.Dict {
		return nil, refused("the PDF has no page tree")
	}
	if n := root.Key("Count").Int64(); n < 0 || n > MaxPDFPages {
		return nil, refused("the PDF declares %d pages; at most %d are read", n, MaxPDFPages)
	}
	w := treeWalk{seen: map[uint32]bool{}, parentsOK: map[uint32]bool{}, fonts: map[uint32]map[string]*pdf.Font{}}
	if err := w.parentChain(root); err != nil {
		return nil, err
	}
	if err := w.walk(root, 0, pdf.Value{}); err != nil {
		return nil, err
	}
	return w.pages, nil
}

// treePage is a page with the fonts of its resources, inherited down the
// tree as the walk goes: the reader, given them, never looks a page's
// resources up through /Parent (which costs a parse of every ancestor for
// every page, quadratic time on a flat tree of many pages).
type treePage struct {
	page  pdf.Page
	fonts map[string]*pdf.Font
}

type treeWalk struct {
	seen      map[uint32]bool // page-tree objects already listed
	parentsOK map[uint32]bool // nodes whose /Parent chain ends
	fonts     map[uint32]map[string]*pdf.Font
	pages     []treePage
}

func (w *treeWalk) walk(node pdf.Value, depth int, resources pdf.Value) error {
	if depth > MaxPDFTreeDepth {
		return refused("the PDF's page tree is deeper than %d levels", MaxPDFTreeDepth)
	}
	id, loaded := objectNumber(node)
	if loaded {
		if w.seen[id] {
			return refused("the PDF's page tree loops: object %d appears in it twice", id)
		}
		w.seen[id] = true
	}
	if r := node.Key("Resources"); r.Kind() == pdf.Dict {
		resources = r
	}
	switch node.Key("Type").Name() {
	case "Pages":
		kids := node.Key("Kids")
		for i := 0; i < kids.Len(); i++ {
			kid := kids.Index(i)
			if kid.Kind() != pdf.Dict {
				continue
			}
			if kidID, ok := objectNumber(kid); ok && loaded && kidID == id {
				return refused("the PDF's page tree loops: object %d lists itself among its kids", id)
			}
			if err := w.checkParent(kid, id, loaded); err != nil {
				return err
			}
			if err := w.walk(kid, depth+1, resources); err != nil {
				return err
			}
		}
	case "Page":
		if len(w.pages) >= MaxPDFPages {
			return refused("the PDF has more than %d pages", MaxPDFPages)
		}
		w.pages = append(w.pages, treePage{pdf.Page{V: node}, w.fontsOf(resources)})
	}
	return nil
}

// fontsOf is the fonts of a resource dictionary, made once per dictionary
// so that each font's character map is parsed once.
func (w *treeWalk) fontsOf(resources pdf.Value) map[string]*pdf.Font {
	id, loaded := objectNumber(resources)
	if fonts, ok := w.fonts[id]; ok && loaded {
		return fonts
	}
	fonts := map[string]*pdf.Font{}
	dict := resources.Key("Font")
	for _, name := range dict.Keys() {
		fonts[name] = &pdf.Font{V: dict.Key(name)}
	}
	if loaded {
		w.fonts[id] = fonts
	}
	return fonts
}

// checkParent makes sure following /Parent from a kid ends. The usual case
// costs nothing: the kid's /Parent is the node that lists it, whose chain
// is already known to end.
func (w *treeWalk) checkParent(kid pdf.Value, listedBy uint32, loaded bool) error {
	if p, ok := reference(kid, "Parent"); ok && loaded && p == listedBy && w.parentsOK[listedBy] {
		if id, ok := objectNumber(kid); ok {
			w.parentsOK[id] = true
		}
		return nil
	}
	return w.parentChain(kid)
}

// parentChain checks that following /Parent from v ends within
// MaxPDFTreeDepth steps without coming back to an object.
func (w *treeWalk) parentChain(v pdf.Value) error {
	var chain []uint32
	seen := map[uint32]bool{}
	for steps := 0; !v.IsNull(); steps++ {
		id, loaded := objectNumber(v)
		if loaded {
			if w.parentsOK[id] {
				break
			}
			if seen[id] {
				return refused("the PDF's page tree loops: object %d is its own ancestor through /Parent", id)
			}
			seen[id] = true
			chain = append(chain, id)
		}
		if steps > MaxPDFTreeDepth {
			return refused("the PDF's page tree is deeper than %d levels", MaxPDFTreeDepth)
		}
		v = v.Key("Parent")
	}
	for _, id := range chain {
		w.parentsOK[id] = true
	}
	return nil
}

// The reader keeps, unexported, the object number a Value was loaded from
// and the raw references inside a dictionary; its API offers no other way
// to tell two loads of one object apart, which a loop check needs. Both
// are read through reflection (read only); TestPDFReaderLayout fails if an
// upgrade of the reader changes these fields.

// objectNumber is the number of the indirect object v was loaded from (or,
// for a direct object, of the object that holds it); ok is false when v
// was not loaded from an object.
func objectNumber(v pdf.Value) (id uint32, ok bool) {
	rv := reflect.ValueOf(v)
	ptr := rv.FieldByName("ptr")
	if !ptr.IsValid() || ptr.Kind() != reflect.Struct || ptr.NumField() < 1 {
		return 0, false
	}
	id = uint32(ptr.Field(0).Uint())
	return id, id != 0
}

// reference is the object number that v's entry key refers to, without
// loading that object; ok is false when the entry is not a reference.
func reference(v pdf.Value, key string) (uint32, bool) {
	data := reflect.ValueOf(v).FieldByName("data")
	if !data.IsValid() || data.Kind() != reflect.Interface || data.IsNil() {
		return 0, false
	}
	d := data.Elem()
	if d.Kind() == reflect.Struct { // a stream: its header dictionary
		d = d.FieldByName("hdr")
	}
	if d.Kind() != reflect.Map {
		return 0, false
	}
	for it := d.MapRange(); it.Next(); {
		if it.Key().Kind() != reflect.String || it.Key().String() != key {
			continue
		}
		val := it.Value()
		if val.Kind() == reflect.Interface {
			val = val.Elem()
		}
		if val.Kind() == reflect.Struct && val.Type().Name() == "objptr" && val.NumField() >= 1 {
			return uint32(val.Field(0).Uint()), true
		}
		return 0, false
	}
	return 0, false
}
