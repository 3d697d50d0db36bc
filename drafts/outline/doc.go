// Package outline reads the articles of a draft ("Neni 5", "Član 5",
// "Article 5", with or without a title) and follows them from version to
// version. It is pure: text in, articles out.
//
//   - Parse finds the article headings (MatchHeading, MatchStandalone)
//     and the byte span of each article; ArticleAnchor is the id the
//     renderer gives a heading, so an outline can link into a page.
//   - Divisions finds the part, chapter and section headings
//     ("KAPITULLI III", "Poglavlje 2", "Section 2"; MatchDivision); an
//     article ends where the next article or division starts.
//   - Alignment pairs the articles of two versions. It is the one alignment
//     of the service: AssignIDs uses it to carry each article's identity to
//     the next version, and the redline to pair the segments it diffs.
//   - Shingles and Jaccard measure how alike two texts are, by the pairs of
//     adjacent words they share.
package outline
