// Module Kinetics: Featurizers, alignment, TICA, VAMP scores, MSMs, time scales and free energies (issue 4).
// It is filled by the issue named above; DESIGN.md §2 says what it owns.
