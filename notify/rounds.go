package notify

import (
	"context"
	"regexp"
	"strconv"

	"policydesk"
)

// itemAbout is what an item points at: a document, and there a round and
// a comment (0 for none).
type itemAbout struct {
	documentID int64
	round      int
	commentID  int64
}

// roundDetail reads the round's number from a round.open or round.close
// entry's detail ("round 3…").
var roundDetail = regexp.MustCompile(`^round (\d+)`)

// roundItems tells a round's reviewers that it opened or closed.
func (f *Follower) roundItems(ctx context.Context, e *policydesk.AuditEntry) ([]*Item, error) {
	if f.Sources.Rounds == nil || e.ObjectType != "document" {
		return nil, nil
	}
	docID, err := strconv.ParseInt(e.ObjectID, 10, 64)
	m := roundDetail.FindStringSubmatch(e.Detail)
	if err != nil || m == nil {
		return nil, nil // an entry written before rounds had reviewers
	}
	number, _ := strconv.Atoi(m[1])
	reviewers, err := f.Sources.Rounds.FindReviewers(ctx, docID, number)
	if policydesk.ErrorCode(err) == policydesk.ENotFound {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	kind := KindRoundOpened
	if e.Action == "round.close" {
		kind = KindRoundClosed
	}
	kinds := map[int64]string{}
	for _, r := range reviewers {
		kinds[r.UserID] = kind
	}
	return f.items(ctx, e, itemAbout{documentID: docID, round: number}, kinds)
}
