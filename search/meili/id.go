package meili

import (
	"fmt"
	"strings"
)

// Meilisearch ids allow only [A-Za-z0-9_-]. encodeID maps an entry id to one
// reversibly: '_' → "__", ':' → "_c", '.' → "_d", any other byte → "_xHH".
// "doc:12:a5" → "doc_c12_ca5".
func encodeID(id string) string {
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-':
			b.WriteByte(c)
		case c == '_':
			b.WriteString("__")
		case c == ':':
			b.WriteString("_c")
		case c == '.':
			b.WriteString("_d")
		default:
			fmt.Fprintf(&b, "_x%02X", c)
		}
	}
	return b.String()
}

// decodeID reverses encodeID.
func decodeID(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '_' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return "", fmt.Errorf("bad search id %q", s)
		}
		i++
		switch s[i] {
		case '_':
			b.WriteByte('_')
		case 'c':
			b.WriteByte(':')
		case 'd':
			b.WriteByte('.')
		case 'x':
			var c byte
			if i+2 >= len(s) {
				return "", fmt.Errorf("bad search id %q", s)
			}
			if _, err := fmt.Sscanf(s[i+1:i+3], "%02X", &c); err != nil {
				return "", fmt.Errorf("bad search id %q", s)
			}
			b.WriteByte(c)
			i += 2
		default:
			return "", fmt.Errorf("bad search id %q", s)
		}
	}
	return b.String(), nil
}
