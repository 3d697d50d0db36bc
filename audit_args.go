package policydesk

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// EncodeArgs writes the values of a stored sentence (an audit entry's
// detail) as JSON that DecodeArgs reads back with what the catalogs need:
// whole numbers as numbers, Words as {"say": "..."}, a WordList as
// {"list": [...]}, anything else as its text.
func EncodeArgs(args []any) (string, error) {
	if len(args) == 0 {
		return "", nil
	}
	out := make([]any, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case Words:
			out[i] = map[string]string{"say": a.english}
		case WordList:
			list := make([]string, len(a))
			for j, w := range a {
				list[j] = w.english
			}
			out[i] = map[string][]string{"list": list}
		case int, int64, int32, uint, uint64, uint32:
			out[i] = a
		case string:
			out[i] = a
		default:
			out[i] = fmt.Sprint(a)
		}
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// DecodeArgs reads what EncodeArgs wrote; "" or anything unreadable is no
// values.
func DecodeArgs(s string) []any {
	if s == "" {
		return nil
	}
	var raw []json.RawMessage
	if json.Unmarshal([]byte(s), &raw) != nil || len(raw) == 0 {
		return nil
	}
	args := make([]any, len(raw))
	for i, r := range raw {
		var str string
		var words struct {
			Say  *string  `json:"say"`
			List []string `json:"list"`
		}
		switch {
		case json.Unmarshal(r, &str) == nil:
			args[i] = str
		case json.Unmarshal(r, &words) == nil && words.Say != nil:
			args[i] = Words{*words.Say}
		case json.Unmarshal(r, &words) == nil && words.List != nil:
			list := make(WordList, len(words.List))
			for j, w := range words.List {
				list[j] = Words{w}
			}
			args[i] = list
		default:
			if n, err := strconv.ParseInt(string(r), 10, 64); err == nil {
				args[i] = n
			} else {
				args[i] = string(r)
			}
		}
	}
	return args
}
