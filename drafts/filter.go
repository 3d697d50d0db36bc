package drafts

// documentFilterFor narrows a listing to what Policy lets u read.
func documentFilterFor(u *User, f DocumentFilter) DocumentFilter {
	f.Read = ReadScope(u)
	return f
}
