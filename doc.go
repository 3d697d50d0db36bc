// Package policydesk is what every layer of Policy Desk shares: the error
// type and its codes (error.go), the user and their role (user.go) carried
// in the request's context (context.go), the one rule of who may read and
// do what with a document (policy.go), and audit entries (audit.go).
//
// The domain packages build on it: drafts (documents and versions, with
// small pure packages beside it for outlines, merges and Markdown), review
// (rounds, comments, redlines) and search; storage implements the stores
// they declare, web serves them over HTTP and cmd/policydesk wires it all.
// Nothing here imports another package of the module.
package policydesk
