package review

import (
	"context"
	"strings"

	"policydesk"
)

// MaxMentions bounds the people one comment or reply mentions.
const MaxMentions = 20

// Mentions returns the logins mentioned in a comment or reply body, each
// once, in order: "@" followed by a login's characters, lower-cased, with
// a sentence's final dot dropped ("thanks @ana." mentions ana). An "@"
// inside a word (an e-mail address, ana@example.org) is not a mention,
// nor is one in code: between backticks or in a fenced code block.
func Mentions(body string) []string {
	var out []string
	seen := map[string]bool{}
	fenced := false
	for _, line := range strings.Split(body, "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		for _, login := range lineMentions(line) {
			if !seen[login] {
				seen[login] = true
				out = append(out, login)
			}
		}
	}
	return out
}

// lineMentions finds the mentions of one line outside its code spans.
func lineMentions(line string) []string {
	var out []string
	inCode := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '`':
			inCode = !inCode
		case c == '@' && !inCode && (i == 0 || !isLoginByte(line[i-1]) && line[i-1] != '@'):
			j := i + 1
			for j < len(line) && isLoginByte(line[j]) {
				j++
			}
			if login := strings.TrimRight(strings.ToLower(line[i+1:j]), "."); login != "" {
				out = append(out, login)
			}
			i = j - 1
		}
	}
	return out
}

func isLoginByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
}

// checkMentions refuses a body that mentions someone who does not exist or
// may not read the document, naming them; it returns the users mentioned.
func (s *Service) checkMentions(ctx context.Context, docID int64, body string) ([]*policydesk.User, error) {
	logins := Mentions(body)
	if len(logins) > MaxMentions {
		return nil, policydesk.Errorf(policydesk.EInvalid, "A comment or reply mentions at most %d people; this one mentions %d.", MaxMentions, len(logins)).On("body")
	}
	users := make([]*policydesk.User, 0, len(logins))
	for _, login := range logins {
		u, err := s.Drafts.Users.FindUserByLogin(ctx, login)
		if policydesk.ErrorCode(err) == policydesk.ENotFound {
			return nil, policydesk.Errorf(policydesk.EInvalid, "There is no user @%s to mention; check the login.", login).On("body")
		} else if err != nil {
			return nil, err
		}
		doc, role, err := s.Drafts.Docs.FindDocumentAs(ctx, docID, u.ID)
		if err != nil {
			return nil, err
		}
		if !policydesk.Policy(u, doc, role).Read {
			return nil, policydesk.Errorf(policydesk.EInvalid, "@%s may not read this document, so they cannot be mentioned; share the document with them first or remove the mention.", login).On("body")
		}
		users = append(users, u)
	}
	return users, nil
}
