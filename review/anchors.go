package review

import (
	"context"

	"policydesk/drafts"
	"policydesk/review/anchor"
)

// Comments returns a document's comments with anchors mapped into version
// `at` (the head when 0). Words that changed or vanished make the comment
// outdated; it keeps its original quote and is never dropped.
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
	// One redline, mapper and offset index per version, however many
	// comments: a conversion from the start of a 5 MiB body per comment
	// would make the cost comments × body.
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
	s             *Service
	target        *drafts.Version
	targetOffsets *anchor.Offsets
	from          map[int]*mapFrom // by source version number
}

type mapFrom struct {
	v       *drafts.Version
	offsets *anchor.Offsets
	mapper  *anchor.Mapper // nil for the target itself
}

func (s *Service) newCommentMapper(target *drafts.Version) *commentMapper {
	return &commentMapper{s: s, target: target, targetOffsets: anchor.NewOffsets(target.Body), from: map[int]*mapFrom{}}
}

// mapComment sets c.Anchor and c.Outdated for the target version.
func (m *commentMapper) mapComment(ctx context.Context, docID int64, c *Comment) error {
	c.Anchor = Anchor{Version: c.Version, Start: c.Start, End: c.End}
	if c.Version == m.target.Number {
		return nil
	}
	src, ok := m.from[c.Version]
	if !ok {
		v, err := m.s.Drafts.Version(ctx, docID, c.Version)
		if err != nil {
			return err
		}
		r, err := m.s.redline(ctx, v, m.target)
		if err != nil {
			return err
		}
		src = &mapFrom{v: v, offsets: anchor.NewOffsets(v.Body), mapper: anchor.NewMapper(r)}
		m.from[c.Version] = src
	}
	start, end := src.offsets.ByteOffset(c.Start), src.offsets.ByteOffset(c.End)
	ns, ne, intact, ok := src.mapper.Map(start, end)
	if !ok {
		// The article is gone: keep the anchor in the version it was made on.
		c.Outdated, c.Orphaned = true, true
		return nil
	}
	c.Anchor = Anchor{Version: m.target.Number, Start: m.targetOffsets.RuneOffset(ns), End: m.targetOffsets.RuneOffset(ne)}
	c.Outdated = !intact
	return nil
}
