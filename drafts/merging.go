package drafts

import (
	"context"
	"fmt"
	"slices"

	"policydesk"
	"policydesk/drafts/merge3"
	"policydesk/drafts/textkit"
)

// MergeReview is what an editor whose save was refused needs to finish
// it: the merge of their text (Mine, started from Base) onto the version
// saved first (Head), in parts, and the versions saved since Base.
type MergeReview struct {
	Base   *Version
	Head   *Version
	Since  []*Version // Base+1 .. Head, newest first, without bodies
	Mine   string
	Merged *merge3.Merged
	// Savers are the names of who saved Since, newest first, each once;
	// HeadSaver is who saved Head.
	Savers    []string
	HeadSaver string
}

// ReviewMerge rebuilds the merge of mine, started from version base, onto
// version head, exactly as the refused save proposed it: the same three
// texts always merge the same way.
func (s *Service) ReviewMerge(ctx context.Context, id int64, base, head int, mine string) (*MergeReview, error) {
	doc, err := s.editable(ctx, id)
	if err != nil {
		return nil, err
	}
	mine = textkit.Newlines(mine)
	if err := checkBody(mine); err != nil {
		return nil, err
	}
	if base < 1 || head <= base || head > doc.Head {
		return nil, policydesk.Errorf(policydesk.EInvalid, "There is no merge of version %d onto version %d: the newest version is %d.", base, head, doc.Head)
	}
	return s.mergeReview(ctx, doc, base, head, mine)
}

func (s *Service) mergeReview(ctx context.Context, doc *Document, base, head int, mine string) (*MergeReview, error) {
	b, err := s.Docs.FindVersion(ctx, doc.ID, base)
	if err != nil {
		return nil, err
	}
	h, err := s.Docs.FindVersion(ctx, doc.ID, head)
	if err != nil {
		return nil, err
	}
	all, err := s.Docs.FindVersions(ctx, doc.ID)
	if err != nil {
		return nil, err
	}
	m := &MergeReview{Base: b, Head: h, Mine: mine}
	for _, v := range all {
		if v.Number > base && v.Number <= head {
			m.Since = append(m.Since, v)
			if name := s.displayName(ctx, v.Author); !slices.Contains(m.Savers, name) {
				m.Savers = append(m.Savers, name)
			}
		}
	}
	m.HeadSaver = s.displayName(ctx, h.Author)
	err = s.Heavy(ctx, func() (err error) {
		m.Merged, err = merge3.SplitContext(ctx, b.Body, mine, h.Body)
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// displayName is the name of the user with login, or the login when the
// account is gone or unnamed.
func (s *Service) displayName(ctx context.Context, login string) string {
	if s.Users == nil {
		return login
	}
	if u, err := s.Users.FindUserByLogin(ctx, login); err == nil && u.Name != "" {
		return u.Name
	}
	return login
}

// Wordings an editor keeps for a conflict.
const (
	KeepMine   = "mine"
	KeepTheirs = "theirs"
	KeepEdited = "edit"
)

// Choice is how an editor settles one conflict: Keep is KeepMine,
// KeepTheirs or KeepEdited, and Text the wording typed for KeepEdited.
type Choice struct {
	Keep string
	Text string
}

// ConflictField is the form field a refusal about conflict k (from 0) is
// shown beside.
func ConflictField(k int) string { return fmt.Sprintf("conflict-%d", k) }

// Settle is the merged text with each conflict settled by choices[k]. A
// conflict without a choice, with an unknown one, or a typed wording that
// still holds merge markers is refused (EInvalid, about ConflictField(k)),
// the first such conflict in order.
func (m *MergeReview) Settle(choices []Choice) (string, error) {
	n := m.Merged.Conflicts()
	if len(choices) != n {
		return "", policydesk.Errorf(policydesk.EInvalid, "The merge has %d conflicts but %d choices were sent.", n, len(choices))
	}
	chosen := make([][]string, 0, n)
	k := 0
	for _, p := range m.Merged.Parts {
		if !p.Conflict {
			continue
		}
		c := choices[k]
		field := ConflictField(k)
		switch c.Keep {
		case KeepMine:
			chosen = append(chosen, p.Mine)
		case KeepTheirs:
			chosen = append(chosen, p.Head)
		case KeepEdited:
			if line, marker := merge3.Unresolved(c.Text); line != 0 {
				return "", policydesk.Errorf(policydesk.EInvalid, "Your wording still holds the line \"%s\" from the merge; delete it and save again.", marker).On(field)
			}
			chosen = append(chosen, merge3.Lines(c.Text))
		case "":
			return "", policydesk.Errorf(policydesk.EInvalid, "Choose a wording for this conflict: yours, theirs or your own.").On(field)
		default:
			return "", policydesk.Errorf(policydesk.EInvalid, "\"%s\" is not a way to settle a conflict; choose yours, theirs or your own wording.", c.Keep).On(field)
		}
		k++
	}
	return m.Merged.Settle(chosen)
}
