// Module Engines: One adapter per MD engine and the built-in engine (issues 6 and 7).
// It is filled by the issue named above; DESIGN.md §2 says what it owns.
