// Module Scheduling: Running prepared directories: local pool, SLURM and manual (issue 7).
// It is filled by the issue named above; DESIGN.md §2 says what it owns.
