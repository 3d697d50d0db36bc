package web

import (
	"errors"
	"regexp"

	"policydesk"
)

// editRefusals are the sentences drafts writes in English when it refuses
// what the new-document form, the editor or the merge page sent, each with
// the catalog key of its translation; a named group is the value the
// translation repeats.
var editRefusals = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^A document needs a title\.$`), "edit.error.title_needed"},
	{regexp.MustCompile(`^The text is larger than (?P<Size>\d+) MiB\.$`), "edit.error.too_large"},
	{regexp.MustCompile(`^Base version (?P<Base>\d+) does not exist; the newest is (?P<Head>\d+)\.$`), "edit.error.no_base"},
	{regexp.MustCompile(`^Choose a wording for this conflict: yours, theirs or your own\.$`), "edit.error.choose"},
	{regexp.MustCompile(`^"(?P<Choice>.*)" is not a way to settle a conflict; choose yours, theirs or your own wording\.$`),
		"edit.error.bad_choice"},
	{regexp.MustCompile(`^Your wording still holds the line "(?P<Line>.*)" from the merge; delete it and save again\.$`),
		"edit.error.marker_in_wording"},
	{regexp.MustCompile(`^A conflict from the merge is still unresolved at line (?P<Number>\d+) \(the line "(?P<Line>.*)"\)\. ` +
		`Keep the wording you want, delete the conflict marker lines and save again\.$`), "edit.error.marker_in_text"},
}

// editRefusal gives err the catalog key of its sentence when it is one of
// editRefusals, so a page shows it in the user's language (errorMessage);
// its code, field and English message are err's. Any other err is returned
// as it is.
func editRefusal(err error) error {
	var pe *policydesk.Error
	if !errors.As(err, &pe) {
		return err
	}
	for _, refusal := range editRefusals {
		m := refusal.re.FindStringSubmatch(pe.Message)
		if m == nil {
			continue
		}
		var args []any
		for i, name := range refusal.re.SubexpNames() {
			if name != "" {
				args = append(args, name, m[i])
			}
		}
		return &translatedError{err: pe, key: refusal.key, args: args}
	}
	return err
}
