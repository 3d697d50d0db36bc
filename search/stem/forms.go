package stem

// Forms returns the words of language lang that are one ending away from
// stem and stem to it: the forms a document holding one of them is found
// by, for an engine that matches whole words only (Meilisearch). A form
// two endings away ("mësimdhënësve" from "mesimdh") is not among them.
// stem must be a stem (Stem's result); it is among its forms when it
// stems to itself.
func Forms(lang, stem string) []string {
	var endings []string
	switch lang {
	case "sq":
		endings = albanian
	case "sr":
		endings = serbian
	case "en":
		endings = englishEndings
	default:
		return []string{stem}
	}
	var out []string
	add := func(w string) {
		if Stem(lang, w) == stem {
			out = append(out, w)
		}
	}
	add(stem)
	for _, e := range endings {
		add(stem + e)
	}
	switch lang {
	case "sr":
		if n := len(stem); n >= 3 && isConsonant(stem[n-2]) && isConsonant(stem[n-1]) {
			add(stem[:n-1] + "a" + stem[n-1:]) // the fleeting a of the nominative: centr → centar
		}
	case "en":
		if n := len(stem); n >= 2 && stem[n-1] == 'i' {
			add(stem[:n-1] + "y") // Porter2's y → i: polici → policy
			add(stem[:n-1] + "ies")
		}
	}
	for w, s := range irregularOf(lang) {
		if s == stem {
			out = append(out, w)
		}
	}
	return out
}

// englishEndings are the inflectional and common derivational endings
// Porter2 removes.
var englishEndings = []string{"s", "es", "ed", "ing", "ion", "ions", "e", "er", "ers", "ment", "ments", "al", "ly", "ies", "ied"}

// irregularOf returns the words of lang whose stem is not their own
// beginning.
func irregularOf(lang string) map[string]string {
	switch lang {
	case "en":
		return irregular
	case "sr":
		return map[string]string{"dete": "dec", "deteta": "dec", "detetu": "dec", "detetom": "dec"}
	}
	return nil
}
