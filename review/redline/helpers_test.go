package redline_test

import "policydesk/drafts/outline"

// outlines are the stored outlines of a and of b saved after it, with the
// IDs the service gives them.
func outlines(a, b string) (aOut, bOut []outline.Article) {
	aOut, bOut = outline.Parse(a), outline.Parse(b)
	outline.AssignIDs(nil, aOut, "", a, outline.NewIDs(1))
	outline.AssignIDs(aOut, bOut, a, b, outline.NewIDs(2))
	return aOut, bOut
}
