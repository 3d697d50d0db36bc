package meili

import (
	"slices"
	"strings"

	"policydesk/search"
	"policydesk/search/stem"
)

// Attribute names.
const (
	aID           = "id"
	aType         = "type"
	aDocumentID   = "document_id"
	aTitle        = "title"
	aKind         = "kind"
	aStatus       = "status"
	aLanguage     = "language"
	aVisibility   = "visibility"
	aYear         = "year"
	aArticleID    = "article_id"
	aArticleNum   = "article_num"
	aHeading      = "heading"
	aCommentID    = "comment_id"
	aAttachmentID = "attachment_id"
	aText         = "text"
	aReaders      = "readers"
	aOwner        = "owner"
	aTitleFolded  = "title_folded"
	aHeadFolded   = "heading_folded"
	aTextFolded   = "text_folded"
	aVariants     = "variants_folded"
	aForms        = "forms_folded"
)

// doc is an entry as stored in Meilisearch. The *_folded attributes are
// what is searched: search.Fold applied here, so Cyrillic, đ and diacritics
// behave as in the embedded engine; variants holds the "d" forms of đ words;
// forms holds the other forms of the entry's words in its language (see
// forms), searched last so that the words as written rank first.
type doc struct {
	ID            string  `json:"id"`
	Type          string  `json:"type"`
	DocumentID    int64   `json:"document_id"`
	Title         string  `json:"title"`
	Kind          string  `json:"kind"`
	Status        string  `json:"status"`
	Language      string  `json:"language"`
	Visibility    string  `json:"visibility"`
	Year          int     `json:"year"`
	ArticleID     string  `json:"article_id,omitempty"`
	ArticleNum    string  `json:"article_num,omitempty"`
	Heading       string  `json:"heading,omitempty"`
	CommentID     int64   `json:"comment_id,omitempty"`
	AttachmentID  int64   `json:"attachment_id,omitempty"`
	Text          string  `json:"text"`
	Readers       []int64 `json:"readers"`
	Owner         int64   `json:"owner,omitempty"`
	TitleFolded   string  `json:"title_folded"`
	HeadingFolded string  `json:"heading_folded,omitempty"`
	TextFolded    string  `json:"text_folded"`
	Variants      string  `json:"variants_folded,omitempty"`
	Forms         string  `json:"forms_folded,omitempty"`
}

func toDoc(e search.Entry) doc {
	readers := e.Readers
	if readers == nil {
		readers = []int64{}
	}
	return doc{
		ID: encodeID(e.ID), Type: e.Type, DocumentID: e.DocumentID, Title: e.Title,
		Kind: e.Kind, Status: e.Status, Language: e.Language, Visibility: e.Visibility, Year: e.Year,
		ArticleID: e.ArticleID, ArticleNum: e.ArticleNum, Heading: e.Heading,
		CommentID: e.CommentID, AttachmentID: e.AttachmentID, Text: e.Text, Readers: readers, Owner: e.Owner,
		TitleFolded: search.Fold(e.Title), HeadingFolded: search.Fold(e.Heading), TextFolded: search.Fold(e.Text),
		Variants: variants(e.Title, e.Heading, e.Text),
		Forms:    forms(e.Language, e.Title, e.Heading, e.Text),
	}
}

// forms returns the forms of the words of texts that Meilisearch needs to
// find them by another form, since it has no Albanian or Serbian stemming:
// for each word's stem in lang (stop words aside), the words one ending
// away that share it (stem.Forms), less the words of the texts
// themselves, which the other attributes hold. Sorted, space-separated.
func forms(lang string, texts ...string) string {
	if !slices.Contains(stem.Languages, lang) {
		return ""
	}
	own := map[string]bool{}
	stems := map[string]bool{}
	for _, t := range texts {
		for _, w := range search.Words(t) {
			f := search.Fold(w)
			own[f] = true
			if !search.IsStopWord(f) && len(f) <= 4*stem.MaxRunes {
				stems[stem.Stem(lang, f)] = true
			}
		}
	}
	var out []string
	for s := range stems {
		for _, f := range stem.Forms(lang, s) {
			if !own[f] {
				out = append(out, f)
			}
		}
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), " ")
}

// variants returns the "d" forms of the words with đ/ђ in texts.
func variants(texts ...string) string {
	var out []string
	for _, t := range texts {
		if !strings.ContainsAny(t, "đĐђЂðÐ") {
			continue
		}
		for _, w := range search.Words(t) {
			if v := search.FoldVariants(w); len(v) > 1 {
				out = append(out, v[1:]...)
			}
		}
	}
	return strings.Join(out, " ")
}

func (d doc) hit(q string) (search.Hit, error) {
	id, err := decodeID(d.ID)
	if err != nil {
		return search.Hit{}, err
	}
	return search.Hit{
		ID: id, Type: d.Type, DocumentID: d.DocumentID, Title: d.Title, Kind: d.Kind, Status: d.Status,
		Language: d.Language, Year: d.Year, ArticleID: d.ArticleID, ArticleNum: d.ArticleNum, Heading: d.Heading,
		CommentID: d.CommentID, AttachmentID: d.AttachmentID,
		Snippet: search.BestSnippetIn(d.Language, q, search.SnippetRunes, d.Text, d.Heading, d.Title),
	}, nil
}
