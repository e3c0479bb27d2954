// Module Campaign: The campaign spec, the SQLite store and the round loop (issue 6).
// It is filled by the issue named above; DESIGN.md §2 says what it owns.
