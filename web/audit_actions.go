package web

import (
	"cmp"
	"slices"
)

// auditActions are the audit log's actions in words, by the identifier the
// log stores. This is the one table of them: the message catalogs take
// these over (as keys "audit.<identifier>"), and an action missing here is
// shown by its identifier.
var auditActions = map[string]string{
	"attachment.create":      "Attachment added",
	"attachment.delete":      "Attachment deleted",
	"backup.restore":         "Backup restored",
	"comment.apply":          "Suggestion applied",
	"comment.create":         "Comment made",
	"comment.decide":         "Comment decided",
	"comment.reopen":         "Comment reopened",
	"comment.reply":          "Reply to a comment",
	"comment.resolve":        "Comment resolved",
	"database.restore":       "Database restored",
	"document.create":        "Document created",
	"document.update":        "Document settings changed",
	"indexing.retry":         "Search indexing retried",
	"login.failed":           "Failed login",
	"login.ok":               "Signed in",
	"member.remove":          "Member removed",
	"member.set":             "Member added or changed",
	"password.change":        "Password changed",
	"password.change.failed": "Failed password change",
	"round.close":            "Review round closed",
	"round.open":             "Review round opened",
	"round.reopen":           "Review round reopened",
	"session.delete":         "Signed out",
	"session.renew":          "Session renewed",
	"session.replace":        "Session replaced by a new login",
	"user.create":            "User added",
	"user.update":            "User changed",
	"version.create":         "Version saved",
	"version.restore":        "Version restored",
}

// actionPhrase is an audit action in words, or its identifier when the
// table lacks it.
func actionPhrase(action string) string {
	return cmp.Or(auditActions[action], action)
}

// auditAction is one choice of the audit log's action filter.
type auditAction struct{ ID, Phrase string }

// auditActionChoices lists the actions in the order of their words.
func auditActionChoices() []auditAction {
	out := make([]auditAction, 0, len(auditActions))
	for id, phrase := range auditActions {
		out = append(out, auditAction{id, phrase})
	}
	slices.SortFunc(out, func(a, b auditAction) int { return cmp.Compare(a.Phrase, b.Phrase) })
	return out
}
