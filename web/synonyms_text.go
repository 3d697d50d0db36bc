package web

import "policydesk/search"

// The search synonyms' audit actions and object type, added to the
// package's tables here so that the synonyms keep to their own files.
func init() {
	auditActionIDs = append(auditActionIDs, search.ActionSynonymsPut, search.ActionSynonymsDelete)
	auditObjectTypes = append(auditObjectTypes, "synonyms")
}
