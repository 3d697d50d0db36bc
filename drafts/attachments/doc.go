// Package attachments keeps files with documents: an annex, a signed MoU,
// a scanned decision. The service (attachments.go) checks the caller may
// read or change the document, cleans the file name, sniffs the content
// type and streams the bytes to a BlobStore with a size limit and a SHA-256
// taken on the way; the metadata row is written only once the bytes are
// stored. attachment.go holds the types and the two store interfaces a
// storage package implements (storage/folder and storage/s3 for the bytes,
// storage/sqlite for the rows).
package attachments
