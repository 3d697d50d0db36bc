package web

import (
	"slices"
	"strings"

	"policydesk/web/i18n"
)

// auditActionIDs are the identifiers the audit log stores for its actions.
// Their words are in the message catalogs under "audit.action.<identifier>"
// (locales/*/admin.toml), one per language; an identifier not listed here
// is refused as a filter and shown as it is.
var auditActionIDs = []string{
	"attachment.create", "attachment.delete", "backup.restore",
	"comment.apply", "comment.create", "comment.decide", "comment.reopen", "comment.reply", "comment.resolve",
	"database.restore", "document.create", "document.update", "indexing.retry", "login.failed", "login.ok",
	"member.remove", "member.set", "password.change", "password.change.failed",
	"round.close", "round.open", "round.reopen", "round.extend",
	"round.reviewer.add", "round.reviewer.done", "round.reviewer.remove", "round.reviewer.undone", "session.delete", "session.renew", "session.replace",
	"user.create", "user.update", "version.create", "version.restore",
	"user.invite", "user.reinvite", "user.accept_invitation",
}

// knownAuditAction tells whether the log has the action id.
func knownAuditAction(id string) bool { return slices.Contains(auditActionIDs, id) }

// actionPhrase is an audit action in words in l's language, or its
// identifier when the catalogs lack it.
func actionPhrase(l *i18n.Localizer, action string) string {
	return l.Label("audit.action", action)
}

// auditAction is one choice of the audit log's action filter.
type auditAction struct{ ID, Phrase string }

// auditActionChoices lists the actions in l's language, in the order of
// their words.
func auditActionChoices(l *i18n.Localizer) []auditAction {
	out := make([]auditAction, 0, len(auditActionIDs))
	for _, id := range auditActionIDs {
		out = append(out, auditAction{id, actionPhrase(l, id)})
	}
	slices.SortFunc(out, func(a, b auditAction) int {
		return strings.Compare(strings.ToLower(a.Phrase), strings.ToLower(b.Phrase))
	})
	return out
}

// auditObjectTypes are the kinds of object an audit entry is about, shown
// in words ("audit.object_type.<type>") beside the object's id.
var auditObjectTypes = []string{"attachment", "comment", "database", "document", "user"}
