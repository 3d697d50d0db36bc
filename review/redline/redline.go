// Package redline computes the article-aware, word-level difference between
// two versions of a draft. It is pure: no storage, no I/O.
//
// Each text is cut into segments covering every byte once (the preamble
// before the first article, then one segment per article and one per
// chapter, part or section heading, Kind telling which). Articles are
// aligned across versions by identity, identical text (ignoring the
// number), then similar text, with outline's Alignment, the one that also
// carries article identities from version to version (align.go); headings
// only with headings, by title, then number, then similar text. Aligned
// pairs are diffed word by word, a number, date, time or amount being one
// word (number.go). The ops of a redline rebuild both texts byte for byte
// (see Reconstruct).
package redline

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"policydesk/drafts/outline"
	"policydesk/drafts/textdiff"
)

// Op kinds.
const (
	OpEqual  = "equal"
	OpInsert = "insert"
	OpDelete = "delete"
)

// Article statuses.
const (
	StatusUnchanged = "unchanged"
	StatusChanged   = "changed"
	StatusAdded     = "added"
	StatusDeleted   = "deleted"
	StatusMoved     = "moved"
)

// PreambleHeading is the Heading of the text before the first article.
const PreambleHeading = "Preamble"

// Segment kinds: what an Article of a redline is.
const (
	KindPreamble = "preamble" // the text before the first article or division
	KindArticle  = "article"  // an article ("Neni 5")
	KindHeading  = "heading"  // a chapter, part or section heading ("KAPITULLI III")
)

// Op is one run of text: equal in both versions, inserted into b or deleted from a.
type Op struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// Article is one aligned segment: an article, the preamble (FromNum and
// ToNum both "", Heading "Preamble"), or a chapter, part or section heading
// with the text under it up to the next article (FromNum and ToNum its
// numbers, "III"), as Kind says.
type Article struct {
	Kind       string `json:"kind"`
	Status     string `json:"status"`
	ID         string `json:"id,omitempty"`
	FromNum    string `json:"from_num"`
	ToNum      string `json:"to_num"`
	Heading    string `json:"heading"`              // heading in b (a for deleted)
	Renumbered bool   `json:"renumbered,omitempty"` // same text, new number
	Changed    bool   `json:"changed,omitempty"`    // text differs (a moved article may also be changed)
	// Bounded: the work budget ran out while diffing this article, so some
	// of its changes are shown coarser than they are (a run deleted whole
	// and inserted whole) or not polished to word boundaries.
	Bounded bool `json:"bounded,omitempty"`
	// FromIndex is the article's position among a's segments (the preamble
	// counts), -1 for an added one: ordering by it rebuilds a when articles
	// moved.
	FromIndex int `json:"from_index"`
	// Byte spans in a and b; -1 when the side is absent.
	FromStart int  `json:"-"`
	FromEnd   int  `json:"-"`
	ToStart   int  `json:"-"`
	ToEnd     int  `json:"-"`
	Preamble  bool `json:"-"`
	Ops       []Op `json:"ops"`
}

// Stats summarise a redline. Word counts cover word tokens only and leave
// out the heading number of a renumbered article; article counts leave out
// the preamble and the chapter headings. A moved article that also changed counts in both.
type Stats struct {
	WordsInserted   int `json:"words_inserted"`
	WordsDeleted    int `json:"words_deleted"`
	ArticlesChanged int `json:"articles_changed"`
	ArticlesAdded   int `json:"articles_added"`
	ArticlesDeleted int `json:"articles_deleted"`
	ArticlesMoved   int `json:"articles_moved"`
}

// Redline is the difference between two versions, in b's order with each
// deleted article right after its nearest preceding surviving neighbour in a.
type Redline struct {
	Articles []Article `json:"articles"`
	Stats    Stats     `json:"stats"`
	// Bounded: the work budget ran out somewhere (an article diff, or the
	// alignment of similar articles, which leaves some pairs as one
	// deleted and one added article). The ops still rebuild both texts.
	Bounded bool `json:"bounded"`
}

// Budget is the work, in textdiff steps, that one redline may do beyond
// reading its two texts: aligning articles by similarity, the line and word
// diffs and their semantic cleanup. It is some 0.3 s on one core; the
// largest realistic revisions take a few million (see TestRealisticUnbounded).
const Budget = 100_000_000

// Compute diffs a → b. aOut and bOut are the versions' outlines with IDs
// (as stored); nil, or an outline whose offsets do not fit the text, means
// parse with outline.Parse (no IDs).
func Compute(a, b string, aOut, bOut []outline.Article) *Redline {
	r, _ := ComputeContext(context.Background(), a, b, aOut, bOut)
	return r
}

// ComputeContext is Compute within Budget: where the budget runs out, an
// article (or the whole alignment) is cut short as textdiff describes, the
// ops still rebuild both texts, and the redline and its articles say
// Bounded. The budget counts steps, not time, so the same texts always give
// the same redline. If ctx ends first the work stops and ctx's error is
// returned.
func ComputeContext(ctx context.Context, a, b string, aOut, bOut []outline.Article) (*Redline, error) {
	return compute(textdiff.NewBudget(ctx, Budget), a, b, aOut, bOut)
}

func compute(bud *textdiff.Budget, a, b string, aOut, bOut []outline.Article) (*Redline, error) {
	sa, sb := segments(a, aOut), segments(b, bOut)
	al := align(a, b, sa, sb, bud)
	d := newDiffer(a, b, bud)
	r := &Redline{Articles: make([]Article, 0, len(sb)+len(sa)/8), Bounded: bud.Cuts() > 0}
	for _, k := range outputOrder(al, len(sa), len(sb)) {
		if err := bud.Err(); err != nil {
			return nil, err
		}
		cuts := bud.Cuts()
		var art Article
		switch {
		case k.i < 0:
			art = added(d, sb[k.j])
		case k.j < 0:
			art = deleted(d, sa[k.i])
		default:
			art = matched(d, sa[k.i], sb[k.j], al.moved[k.j])
		}
		if bud.Cuts() > cuts {
			art.Bounded, r.Bounded = true, true
		}
		art.FromIndex = k.i
		r.Articles = append(r.Articles, art)
		r.Stats.add(art, d)
	}
	if err := bud.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

func (s *Stats) add(art Article, d *differ) {
	s.WordsInserted += d.ins
	s.WordsDeleted += d.del
	if art.Kind != KindArticle {
		return
	}
	switch art.Status {
	case StatusAdded:
		s.ArticlesAdded++
	case StatusDeleted:
		s.ArticlesDeleted++
	case StatusMoved:
		s.ArticlesMoved++
	}
	if art.Changed {
		s.ArticlesChanged++
	}
}

// slot is one output article: indices into a's and b's segments, -1 when absent.
type slot struct{ i, j int }

// outputOrder lists b's segments in order, each followed by the deleted a
// segments whose nearest preceding surviving a-neighbour it is. Deleted
// segments with no surviving predecessor come first.
func outputOrder(al *alignment, na, nb int) []slot {
	after := make(map[int][]int) // b index → deleted a indices; -1 for the head
	anchor := -1
	for i := 0; i < na; i++ {
		if j := al.BOf[i]; j >= 0 {
			anchor = j
		} else {
			after[anchor] = append(after[anchor], i)
		}
	}
	out := make([]slot, 0, na+nb)
	for _, i := range after[-1] {
		out = append(out, slot{i, -1})
	}
	for j := 0; j < nb; j++ {
		out = append(out, slot{al.AOf[j], j})
		for _, i := range after[j] {
			out = append(out, slot{i, -1})
		}
	}
	return out
}

// kind is the Kind of a segment.
func (s segment) kind() string {
	switch {
	case s.pre:
		return KindPreamble
	case s.div:
		return KindHeading
	}
	return KindArticle
}

func added(d *differ, s segment) Article {
	ops, _, _ := d.pair(span{}, span{s.start, s.end}, span{}, span{})
	return Article{Kind: s.kind(), Status: StatusAdded, ID: s.id, ToNum: s.num, Heading: s.heading, Preamble: s.pre,
		FromStart: -1, FromEnd: -1, ToStart: s.start, ToEnd: s.end, Ops: ops}
}

func deleted(d *differ, s segment) Article {
	ops, _, _ := d.pair(span{s.start, s.end}, span{}, span{}, span{})
	return Article{Kind: s.kind(), Status: StatusDeleted, ID: s.id, FromNum: s.num, Heading: s.heading, Preamble: s.pre,
		FromStart: s.start, FromEnd: s.end, ToStart: -1, ToEnd: -1, Ops: ops}
}

func matched(d *differ, sa, sb segment, moved bool) Article {
	art := Article{Kind: sb.kind(), ID: cmp.Or(sb.id, sa.id), FromNum: sa.num, ToNum: sb.num, Heading: sb.heading, Preamble: sb.pre,
		FromStart: sa.start, FromEnd: sa.end, ToStart: sb.start, ToEnd: sb.end}
	// Trailing blank lines belong to whichever article ends before the next
	// heading, so adding an article after this one must not make it "changed".
	ka, kb := sa.keyParts(d.a), sb.keyParts(d.b)
	same := ka[0] == kb[0] && strings.TrimRight(ka[1], " \t\r\n") == strings.TrimRight(kb[1], " \t\r\n")
	art.Changed = !same
	art.Renumbered = same && sa.num != sb.num
	art.Ops, _, _ = d.pair(span{sa.start, sa.end}, span{sb.start, sb.end}, span{sa.numStart, sa.numEnd}, span{sb.numStart, sb.numEnd})
	switch {
	case moved:
		art.Status = StatusMoved
	case same:
		art.Status = StatusUnchanged
	default:
		art.Status = StatusChanged
	}
	return art
}

// Reconstruct rebuilds both texts from the ops: equal+delete of the
// articles with an a side in a's order, equal+insert in b's order.
func (r *Redline) Reconstruct() (a, b string) {
	return r.side(true), r.side(false)
}

func (r *Redline) side(fromA bool) string {
	type part struct {
		at  int
		art *Article
	}
	var parts []part
	for k := range r.Articles {
		art := &r.Articles[k]
		at := art.ToStart
		if fromA {
			at = art.FromStart
		}
		if at >= 0 {
			parts = append(parts, part{at, art})
		}
	}
	slices.SortFunc(parts, func(x, y part) int { return cmp.Compare(x.at, y.at) })
	skip := OpInsert
	if !fromA {
		skip = OpDelete
	}
	var sb strings.Builder
	for _, p := range parts {
		for _, op := range p.art.Ops {
			if op.Op != skip {
				sb.WriteString(op.Text)
			}
		}
	}
	return sb.String()
}
