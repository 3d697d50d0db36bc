package redline_test

import "policydesk/drafts"

func outlines(a, b string) (aOut, bOut []drafts.Article) {
	aOut, bOut = drafts.ParseOutline(a), drafts.ParseOutline(b)
	drafts.AssignIDs(nil, aOut, "", a)
	drafts.AssignIDs(aOut, bOut, a, b)
	return aOut, bOut
}
