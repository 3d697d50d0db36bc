package outline

import "strings"

// atxLevel returns 1-6 for an ATX heading line, else 0.
func atxLevel(line string) int {
	if indent(line) > 3 {
		return 0
	}
	t := strings.TrimLeft(line, " ")
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(t) && t[n] != ' ' && t[n] != '\t') {
		return 0
	}
	return n
}

// atxText returns the heading text without the opening and closing #s.
func atxText(line string) string {
	t := strings.TrimSpace(strings.TrimLeft(strings.TrimLeft(line, " "), "#"))
	if u := strings.TrimRight(t, "#"); u != t && (u == "" || u[len(u)-1] == ' ' || u[len(u)-1] == '\t') {
		t = strings.TrimSpace(u)
	}
	return t
}

// setextLevel returns 1 for a "===" underline, 2 for "---", else 0.
func setextLevel(line string) int {
	t := strings.TrimSpace(line)
	if indent(line) > 3 || t == "" {
		return 0
	}
	switch {
	case strings.Trim(t, "=") == "":
		return 1
	case strings.Trim(t, "-") == "":
		return 2
	}
	return 0
}

func indent(line string) int {
	n := 0
	for n < len(line) && line[n] == ' ' {
		n++
	}
	if n < len(line) && line[n] == '\t' {
		return 4
	}
	return n
}

// opensFence returns the fence marker ("```", "~~~~", ...) that line opens.
func opensFence(line string) string {
	if indent(line) > 3 {
		return ""
	}
	t := strings.TrimLeft(line, " ")
	for _, c := range []byte{'`', '~'} {
		n := 0
		for n < len(t) && t[n] == c {
			n++
		}
		// A backtick fence's info string may not contain a backtick.
		if n >= 3 && (c == '~' || !strings.ContainsRune(t[n:], '`')) {
			return t[:n]
		}
	}
	return ""
}

func closesFence(line, fence string) bool {
	if indent(line) > 3 {
		return false
	}
	t := strings.TrimSpace(line)
	return len(t) >= len(fence) && strings.Trim(t, fence[:1]) == ""
}
