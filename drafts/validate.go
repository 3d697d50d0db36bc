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

func checkLogin(login string) error {
	if login == "" || len(login) > 64 {
		return policydesk.Errorf(policydesk.EInvalid, "A login is 1 to 64 characters.")
	}
	for _, r := range login {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return policydesk.Errorf(policydesk.EInvalid, "A login uses only lower-case letters a-z, digits, '.', '_' and '-'.")
		}
	}
	return nil
}
