package redline

// Tokens splits s as the word diff does, for the tests of the tokenizer and
// for those counting words in ops.
func Tokens(s string) []string {
	toks := tokenize(s, 0, nil)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = s[t.start:t.end]
	}
	return out
}

// CountWords returns the number of word tokens in s, as Stats counts them.
func CountWords(s string) int {
	n := 0
	for _, t := range tokenize(s, 0, nil) {
		if t.kind == tkWord {
			n++
		}
	}
	return n
}
