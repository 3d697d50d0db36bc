package drafts

import "policydesk"

// documentFilterFor narrows a listing to what Policy lets u read.
func documentFilterFor(u *policydesk.User, f DocumentFilter) DocumentFilter {
	f.Read = policydesk.ReadScope(u)
	return f
}
