package drafts

import (
	"policydesk"
	"policydesk/drafts/textkit"
)

func checkBody(body string) error {
	if len(body) > MaxBodyBytes {
		return policydesk.Errorf(policydesk.ETooLarge, "The text is larger than %d MiB.", MaxBodyBytes>>20)
	}
	return textkit.Check("text", body, 0, true)
}
