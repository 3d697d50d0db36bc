package review

import (
	"context"

	"policydesk/drafts"
	"policydesk/review/anchor"
)

// Comments returns a document's comments with anchors mapped into version
// `at` (the head when 0). Words that changed or vanished make the comment
// outdated; it keeps its original quote and is never dropped. A comment
// whose suggestion was applied in version `at` or before is anchored on
// the applied wording (Applied), not outdated.
func (s *Service) Comments(ctx context.Context, docID int64, f CommentFilter, at int) ([]*Comment, error) {
	target, err := s.versionOrHead(ctx, docID, at)
	if err != nil {
		return nil, err
	}
	f.DocumentID = docID
	comments, err := s.Store.FindComments(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.mapComments(ctx, docID, target, comments)
}

// mapComments maps comments into target. One redline, mapper and offset
// index per pair of versions, however many comments: a conversion from
// the start of a 5 MiB body per comment would make the cost comments ×
// body.
func (s *Service) mapComments(ctx context.Context, docID int64, target *drafts.Version, comments []*Comment) ([]*Comment, error) {
	m := s.newCommentMapper(target)
	for _, c := range comments {
		if err := m.mapComment(ctx, docID, c); err != nil {
			return nil, err
		}
	}
	return comments, nil
}

// commentMapper maps the comments of one request into one target version.
type commentMapper struct {
	s        *Service
	target   *drafts.Version
	versions map[int]*mapVersion
	pairs    map[[2]int]*anchor.Mapper
}

// mapVersion is a version with its offset index.
type mapVersion struct {
	v       *drafts.Version
	offsets *anchor.Offsets
}

func (s *Service) newCommentMapper(target *drafts.Version) *commentMapper {
	return &commentMapper{s: s, target: target, versions: map[int]*mapVersion{
		target.Number: {v: target, offsets: anchor.NewOffsets(target.Body)},
	}, pairs: map[[2]int]*anchor.Mapper{}}
}

func (m *commentMapper) version(ctx context.Context, docID int64, n int) (*mapVersion, error) {
	if mv, ok := m.versions[n]; ok {
		return mv, nil
	}
	v, err := m.s.Drafts.Version(ctx, docID, n)
	if err != nil {
		return nil, err
	}
	mv := &mapVersion{v: v, offsets: anchor.NewOffsets(v.Body)}
	m.versions[n] = mv
	return mv, nil
}

// span maps [start,end), in code points of version from, into version to:
// the span there in code points, whether its words are unchanged, and
// false when their article is gone.
func (m *commentMapper) span(ctx context.Context, docID int64, from, to, start, end int) (ns, ne int, intact, ok bool, err error) {
	if from == to {
		return start, end, true, true, nil
	}
	a, err := m.version(ctx, docID, from)
	if err != nil {
		return 0, 0, false, false, err
	}
	b, err := m.version(ctx, docID, to)
	if err != nil {
		return 0, 0, false, false, err
	}
	mp, found := m.pairs[[2]int{from, to}]
	if !found {
		r, err := m.s.redline(ctx, a.v, b.v)
		if err != nil {
			return 0, 0, false, false, err
		}
		mp = anchor.NewMapper(r)
		m.pairs[[2]int{from, to}] = mp
	}
	bs, be, intact, ok := mp.Map(a.offsets.ByteOffset(start), a.offsets.ByteOffset(end))
	if !ok {
		return 0, 0, false, false, nil
	}
	return b.offsets.RuneOffset(bs), b.offsets.RuneOffset(be), intact, true, nil
}

// mapComment sets c.Anchor, c.Outdated and c.Applied for the target version.
func (m *commentMapper) mapComment(ctx context.Context, docID int64, c *Comment) error {
	c.Anchor = Anchor{Version: c.Version, Start: c.Start, End: c.End}
	if c.AppliedVersion != 0 && c.AppliedVersion <= m.target.Number {
		if ok, err := m.mapApplied(ctx, docID, c); ok || err != nil {
			return err
		}
	}
	start, end, intact, ok, err := m.span(ctx, docID, c.Version, m.target.Number, c.Start, c.End)
	if err != nil {
		return err
	}
	if !ok {
		// The article is gone: keep the anchor in the version it was made on.
		c.Outdated, c.Orphaned = true, true
		return nil
	}
	c.Anchor = Anchor{Version: m.target.Number, Start: start, End: end}
	c.Outdated = !intact
	return nil
}

// mapApplied anchors a comment whose suggestion went into version
// c.AppliedVersion on the suggested words there (Apply wrote them over the
// quoted words of the version before), then into the target. It reports
// false when the applied words cannot be found where Apply put them.
func (m *commentMapper) mapApplied(ctx context.Context, docID int64, c *Comment) (bool, error) {
	onto := c.AppliedVersion - 1
	start, _, intact, ok, err := m.span(ctx, docID, c.Version, onto, c.Start, c.End)
	if err != nil || !ok || !intact {
		return false, err
	}
	applied, err := m.version(ctx, docID, c.AppliedVersion)
	if err != nil {
		return false, err
	}
	end := start + len([]rune(c.Suggestion))
	bs, be := applied.offsets.ByteOffset(start), applied.offsets.ByteOffset(end)
	if be > len(applied.v.Body) || applied.v.Body[bs:be] != c.Suggestion {
		return false, nil
	}
	ns, ne, intact, ok, err := m.span(ctx, docID, c.AppliedVersion, m.target.Number, start, end)
	if err != nil || !ok {
		return false, err
	}
	c.Applied = true
	c.Anchor = Anchor{Version: m.target.Number, Start: ns, End: ne}
	c.Outdated = !intact
	return true, nil
}
