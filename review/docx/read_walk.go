package docx

import (
	"encoding/xml"
	"io"
	"strings"

	"policydesk"
)

// token returns the next token of the part being read, and checks now and
// then that the request is still wanted.
func (r *reader) token() (xml.Token, error) {
	r.tokens++
	if r.tokens&0xfff == 0 {
		if err := r.ctx.Err(); err != nil {
			return nil, policydesk.Unavailable("The request ended before the Word document was read.", err)
		}
	}
	if r.size > r.max {
		return nil, policydesk.Errorf(policydesk.ETooLarge, "The document's text is larger than %d MiB, the most a version may hold.", r.max>>20)
	}
	tok, err := r.d.Token()
	if err == io.EOF {
		return nil, policydesk.Errorf(policydesk.EInvalid, "The file is damaged: its part %s ends too early.", r.d.name)
	}
	return tok, err
}

// children reads the content of the element just started through its
// end. Each element's start goes to enter, which says whether it read the
// element through its end itself; leave, if set, is called with the name
// of each element enter left open when it ends.
func (r *reader) children(enter func(t xml.StartElement) (bool, error), leave func(name string)) error {
	var open []string
	for {
		tok, err := r.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			consumed, err := enter(t)
			if err != nil {
				return err
			}
			if !consumed {
				open = append(open, t.Name.Local)
			}
		case xml.EndElement:
			if len(open) == 0 {
				return nil
			}
			if leave != nil {
				leave(open[len(open)-1])
			}
			open = open[:len(open)-1]
		}
	}
}

// skip reads through the end of the element just started.
func (r *reader) skip() error {
	return r.walk(func([]string, xml.StartElement) {})
}

// walk reads through the end of the element just started, calling f with
// the path of each element below it.
func (r *reader) walk(f func(path []string, t xml.StartElement)) error {
	var path []string
	return r.children(func(t xml.StartElement) (bool, error) {
		path = append(path, t.Name.Local)
		f(path, t)
		return false, nil
	}, func(string) { path = path[:len(path)-1] })
}

// text reads the character data of a w:t or w:instrText through its end.
func (r *reader) text() (string, error) {
	var b strings.Builder
	for depth := 0; ; {
		tok, err := r.token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			r.size += len(t) // counted as read, so a huge text is refused early
			b.Write(t)
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return b.String(), nil
			}
			depth--
		}
	}
}

// picture skips a drawing, picture, embedded object or alternate content
// and counts it as a text box when it holds one, else as an image.
func (r *reader) picture() error {
	box := false
	err := r.walk(func(path []string, t xml.StartElement) {
		if t.Name.Local == "txbxContent" {
			box = true
		}
	})
	if box {
		r.counts.textBoxes++
	} else {
		r.counts.images++
	}
	return err
}
