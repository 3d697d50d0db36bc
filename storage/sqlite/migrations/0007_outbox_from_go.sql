-- The store's Go code now queues search work itself, in the transaction of
-- each change (enqueueSearch, enqueueText in storage/sqlite), where a reader
-- of the code sees it and any other database can do the same; the queuing
-- triggers go. The triggers that keep versions and the audit log immutable
-- stay: they refuse changes rather than queue work.
DROP TRIGGER outbox_document_insert;
DROP TRIGGER outbox_document_update;
DROP TRIGGER outbox_document_delete;
DROP TRIGGER outbox_member_insert;
DROP TRIGGER outbox_member_update;
DROP TRIGGER outbox_member_delete;
DROP TRIGGER outbox_comment_insert;
DROP TRIGGER outbox_comment_update;
DROP TRIGGER outbox_reply_insert;
DROP TRIGGER outbox_attachment_insert;
DROP TRIGGER outbox_attachment_delete;
DROP TRIGGER attachment_text_queue;
DROP TRIGGER outbox_attachment_text;
