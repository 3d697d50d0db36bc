package review

import (
	"strings"

	"policydesk"
	"policydesk/drafts/textkit"
)

// Limits on comment texts.
const (
	MaxCommentRunes = 20000
	MaxQuoteRunes   = 5000
	MaxContextRunes = 500
)

// validateComment normalises a new comment's line breaks and trims its
// body, then checks every field against its limit.
func validateComment(in *NewComment) error {
	for _, s := range []*string{&in.Quote, &in.Prefix, &in.Suffix, &in.Body, in.Suggestion} {
		if s != nil {
			*s = textkit.Newlines(*s)
		}
	}
	in.Body = strings.TrimSpace(in.Body)
	if in.Quote == "" {
		return policydesk.Errorf(policydesk.EInvalid, "Select the words the comment is about.").On("quote")
	}
	if in.Body == "" && in.Suggestion == nil {
		return policydesk.Errorf(policydesk.EInvalid, "Write a comment or propose wording.").On("body")
	}
	checks := []error{
		policydesk.OnField("body", checkWritten(policydesk.Say("comment"), in.Body, MaxCommentRunes)),
		policydesk.OnField("quote", textkit.Check(policydesk.Say("quote"), in.Quote, MaxQuoteRunes, true)),
		policydesk.OnField("prefix", textkit.Check(policydesk.Say("prefix"), in.Prefix, MaxContextRunes, true)),
		policydesk.OnField("suffix", textkit.Check(policydesk.Say("suffix"), in.Suffix, MaxContextRunes, true)),
	}
	if in.Suggestion != nil {
		checks = append(checks, policydesk.OnField("suggestion", textkit.Check(policydesk.Say("suggestion"), *in.Suggestion, MaxCommentRunes, true)))
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	return nil
}

// checkLine checks a one-line name: no line breaks or tabs, nothing
// invisible.
func checkLine(field policydesk.Words, s string, max int) error {
	if err := textkit.Check(field, s, max, true); err != nil {
		return err
	}
	if strings.ContainsAny(s, "\n\t") {
		return policydesk.Errorf(policydesk.EInvalid, "The %s must be a single line.", field)
	}
	return textkit.CheckVisible(field, s, true)
}

// checkWritten checks what a person writes for others to read (a comment,
// a reply, a reason): within its length, no control or invisible
// characters.
func checkWritten(field policydesk.Words, s string, max int) error {
	if err := textkit.Check(field, s, max, true); err != nil {
		return err
	}
	return textkit.CheckVisible(field, s, false)
}
