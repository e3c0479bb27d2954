// Module LatentSimulator: The SRV encoder, MDN propagator ensemble, cWGAN-GP decoder and model bundles (issue 5).
// It is filled by the issue named above; DESIGN.md §2 says what it owns.
