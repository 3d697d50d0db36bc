package postgres

import "sync"

// The store's SQL is written once with ? placeholders (storage/sqldb);
// PostgreSQL numbers its parameters. rebind rewrites a statement's ? marks
// outside quotes and comments to $1, $2, ..., once per statement text: the
// statements are the store's constants and a few composed filters, a small
// set, so the cache is bounded by maxCached all the same.
const maxCached = 4096

var rebound = struct {
	sync.RWMutex
	m map[string]string
}{m: map[string]string{}}

func rebind(query string) string {
	rebound.RLock()
	out, ok := rebound.m[query]
	rebound.RUnlock()
	if ok {
		return out
	}
	out = rebindText(query)
	rebound.Lock()
	if len(rebound.m) < maxCached {
		rebound.m[query] = out
	}
	rebound.Unlock()
	return out
}

// rebindText does the rewriting, skipping 'strings', "identifiers",
// $tag$ dollar-quoted bodies$tag$, -- line and /* block */ comments.
func rebindText(q string) string {
	out := make([]byte, 0, len(q)+16)
	n := 0
	for i := 0; i < len(q); {
		end := skipQuoted(q, i)
		if end > i {
			out = append(out, q[i:end]...)
			i = end
			continue
		}
		if q[i] == '?' {
			n++
			out = append(out, '$')
			out = appendInt(out, n)
		} else {
			out = append(out, q[i])
		}
		i++
	}
	return string(out)
}

// skipQuoted returns the end of the quoted text or comment starting at i,
// or i if none starts there.
func skipQuoted(q string, i int) int {
	switch {
	case q[i] == '\'' || q[i] == '"':
		return closing(q, i+1, q[i:i+1])
	case hasAt(q, i, "--"):
		return closing(q, i+2, "\n")
	case hasAt(q, i, "/*"):
		return closing(q, i+2, "*/")
	case q[i] == '$':
		if tag := dollarTag(q, i); tag != "" {
			return closing(q, i+len(tag), tag)
		}
	}
	return i
}

// closing returns the index just past the first end after from, or the
// end of q. A doubled quote inside a string is found as two strings, which
// copies it all the same.
func closing(q string, from int, end string) int {
	for j := from; j+len(end) <= len(q); j++ {
		if q[j:j+len(end)] == end {
			return j + len(end)
		}
	}
	return len(q)
}

func hasAt(q string, i int, s string) bool { return len(q)-i >= len(s) && q[i:i+len(s)] == s }

// dollarTag returns "$tag$" (or "$$") if one starts at i.
func dollarTag(q string, i int) string {
	for j := i + 1; j < len(q); j++ {
		c := q[j]
		switch {
		case c == '$':
			return q[i : j+1]
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || (j > i+1 && c >= '0' && c <= '9'):
		default:
			return ""
		}
	}
	return ""
}

func appendInt(b []byte, n int) []byte {
	if n >= 10 {
		b = appendInt(b, n/10)
	}
	return append(b, byte('0'+n%10))
}
