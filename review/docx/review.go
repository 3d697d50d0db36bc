package docx

import (
	"encoding/xml"
	"strings"

	"policydesk"
)

// MaxReviewItems bounds the tracked changes and comments one review file
// may hold; more is refused (a clear error, nothing imported).
const MaxReviewItems = 2000

// Review is what a reviewer's returned .docx says about the version they
// were sent: its paragraphs as the version read (Original), with the
// tracked changes made in each, and the margin comments with the words
// they cover.
type Review struct {
	Paragraphs []ReviewParagraph
	Comments   []*Comment
	// Replies tells whether Word's reply threads were read
	// (commentsExtended.xml); without it every comment stands alone.
	Replies bool
}

// ReviewParagraph is one paragraph (a table cell's paragraph included) in
// document order.
type ReviewParagraph struct {
	// Original is the paragraph as it read before the reviewer's tracked
	// changes: its normal text, deleted and moved-away text, but not the
	// inserted or moved-in text.
	Original string
	Changes  []Change
	// Table is true for a paragraph in a table cell.
	Table bool
}

// Change is one tracked change in a paragraph: Original[Start:End] is the
// deleted text (Start == End for an insertion), Inserted what takes its
// place.
type Change struct {
	Kind       string // "insert", "delete" or "replace"
	Start, End int    // bytes of the paragraph's Original
	Inserted   string
	Deleted    string
	Author     string
	Date       string
}

// Comment is one of Word's margin comments: its text and who wrote it,
// and the words it covers, from paragraph StartPara at byte Start of its
// Original to paragraph EndPara at byte End (exclusive). A comment whose
// place in the text was not found has Placed false.
type Comment struct {
	ID       string
	Author   string
	Initials string
	Date     string
	Text     string
	// Parent is the ID of the comment this one answers ("" if none).
	Parent           string
	Placed           bool
	StartPara, Start int
	EndPara, End     int
	lastParaID       string
	ended            bool
}

// Items counts what the review holds: tracked changes and comments.
func (r *Review) Items() int {
	n := len(r.Comments)
	for _, p := range r.Paragraphs {
		n += len(p.Changes)
	}
	return n
}

// ReadReview reads the tracked changes and comments of an opened package.
// It refuses (EInvalid) a file with more than MaxReviewItems of them.
func ReadReview(p *Package) (*Review, error) {
	comments, err := readComments(p)
	if err != nil {
		return nil, err
	}
	rv := &Review{}
	rv.Replies, err = readCommentThreads(p, comments)
	if err != nil {
		return nil, err
	}
	w := newReviewWalker(comments)
	if err := w.walk(p); err != nil {
		return nil, err
	}
	rv.Paragraphs = w.paras
	rv.Comments = comments.list
	if n := rv.Items(); n > MaxReviewItems {
		return nil, tooManyItems(n)
	}
	return rv, nil
}

func errDamaged(part string) error {
	return policydesk.Errorf(policydesk.EInvalid, "The file is damaged: its part %s is not well-formed XML.", part)
}

func tooManyItems(n int) error {
	return policydesk.Errorf(policydesk.EInvalid, "The file holds %d tracked changes and comments; at most %d can be imported from one file. Split the review into several files.", n, MaxReviewItems)
}

// wordAttr returns the value of the attribute local of a WordprocessingML
// element (any namespace: strict and transitional files differ).
func wordAttr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// textOf reads the character data up to the end of the element just
// started (a w:t or w:delText), within limit bytes.
func textOf(d *Decoder) (string, error) {
	var sb strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			return "", damaged(d, err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			sb.Write(t)
		case xml.StartElement:
			if err := d.Skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
			return sb.String(), nil
		}
	}
}
