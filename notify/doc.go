// Package notify tells people what happened that concerns them: the items
// of each user's inbox (a round waiting for them, a reply, a decision or a
// mention) and the e-mails sent about them, queued in the database and
// delivered by a worker through an SMTP server.
//
// The package is domain code: it imports no storage, web or client
// library. The stores are implemented in storage/sqldb, the SMTP sender in
// notify/smtpmail, and the texts of the mails come from the interface's
// catalogs through a Renderer the web layer provides.
package notify
