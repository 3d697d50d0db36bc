package docx

import (
	"encoding/xml"
	"io"
	"strings"
)

// commentSet is comments.xml read: the comments in file order and by id.
type commentSet struct {
	list []*Comment
	byID map[string]*Comment
}

// readComments reads the main document's comments part, if it has one.
func readComments(p *Package) (*commentSet, error) {
	set := &commentSet{byID: map[string]*Comment{}}
	name, err := p.RelatedPart(p.Main, "/comments")
	if err != nil || name == "" {
		return set, err
	}
	d, c, err := p.Open(name)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return set, nil
		} else if err != nil {
			return nil, err
		}
		e, ok := tok.(xml.StartElement)
		if !ok || e.Name.Local != "comment" {
			continue
		}
		cm := &Comment{ID: wordAttr(e, "id"), Author: wordAttr(e, "author"), Initials: wordAttr(e, "initials"), Date: wordAttr(e, "date")}
		if err := readCommentBody(d, cm); err != nil {
			return nil, err
		}
		if len(set.list) == MaxReviewItems {
			return nil, tooManyItems(len(set.list) + 1)
		}
		set.list = append(set.list, cm)
		set.byID[cm.ID] = cm
	}
}

// readCommentBody reads a w:comment's paragraphs into its Text (one line
// each) and notes the id Word gives its last paragraph, which reply
// threads name.
func readCommentBody(d *Decoder, cm *Comment) error {
	var lines []string
	var line strings.Builder
	for depth := 1; depth > 0; {
		tok, err := d.Token()
		if err != nil {
			return damaged(d, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch t.Name.Local {
			case "p":
				line.Reset()
				cm.lastParaID = wordAttr(t, "paraId")
			case "t":
				s, err := textOf(d)
				if err != nil {
					return err
				}
				line.WriteString(s)
				depth--
			case "tab":
				line.WriteByte(' ')
			case "br", "cr":
				line.WriteByte('\n')
			}
		case xml.EndElement:
			depth--
			if t.Name.Local == "p" {
				lines = append(lines, line.String())
			}
		}
	}
	cm.Text = strings.TrimSpace(strings.Join(lines, "\n"))
	return nil
}

// readCommentThreads reads commentsExtended.xml (Word 2013 and later),
// which says which comment answers which, and sets each reply's Parent. It
// tells whether the file had that part.
func readCommentThreads(p *Package, set *commentSet) (bool, error) {
	name, err := p.RelatedPart(p.Main, "/commentsExtended")
	if err != nil || name == "" {
		return false, err
	}
	byPara := make(map[string]*Comment, len(set.list))
	for _, c := range set.list {
		if c.lastParaID != "" {
			byPara[strings.ToUpper(c.lastParaID)] = c
		}
	}
	d, c, err := p.Open(name)
	if err != nil {
		return false, err
	}
	defer c.Close()
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return true, nil
		} else if err != nil {
			return false, err
		}
		e, ok := tok.(xml.StartElement)
		if !ok || e.Name.Local != "commentEx" {
			continue
		}
		child, parent := byPara[strings.ToUpper(wordAttr(e, "paraId"))], byPara[strings.ToUpper(wordAttr(e, "paraIdParent"))]
		if child != nil && parent != nil && parent != child {
			child.Parent = parent.ID
		}
	}
}

// damaged turns an unexpected end of a part into the damaged-file error.
func damaged(d *Decoder, err error) error {
	if err == io.EOF {
		return errDamaged(d.name)
	}
	return err
}
