// Module Trajectories: Topologies, trajectory readers and writers, the codec registry and chunked streaming (issue 3).
// It is filled by the issue named above; DESIGN.md §2 says what it owns.
