#!/bin/sh
# The implicit-solvent part of issue 5's acceptance: alanine dipeptide in amber14 + GBn2 (OpenMM CPU
# platform, one thread), where φ flips to the φ > 0 side do happen. Trains an LSS on what one core
# makes in about an hour and validates it against that same MD: the φ > 0 population and the slowest
# time scales, each with its error bar (MD: five blocks; the LSS: members and decoder) or a caveat.
#
#   bench/lss/alanine-implicit.sh [WORKDIR]      (NS=15 LAG=5ps LATENT=2 DECODER_EPOCHS=1500 to change the defaults)
#
# The decoder gets about as many frame presentations as in the vacuum run (15,000 frames × 1,500
# epochs against 100,000 × 250): the data regime's 200 epochs left it short of steps.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:-"$root/.build/alanine-implicit"}
pdb="$root/../shared/data/alanine-dipeptide.pdb"
lss=${LSS:-"$root/.build/release/lss"}
mkdir -p "$work"
if [ ! -s "$work/ala-gbn2.dcd" ]; then
    python3 "$here/make_alanine_md.py" "$pdb" "$work/ala-gbn2.dcd" --ns "${NS:-15}" --seed 7 --solvent implicit --interval 1.0
fi
"$lss" train "$work/ala-gbn2.dcd" --topology "$pdb" --features "distances:select=heavy" \
    --lag "${LAG:-5ps}" --latent "${LATENT:-2}" --ensemble 5 --decode heavy --decoder-epochs "${DECODER_EPOCHS:-1500}" \
    --seed 1 -o "$work/model" \
    > "$work/train.txt"
cat "$work/train.txt"
"$lss" validate "$work/model" "$work/ala-gbn2.dcd" --topology "$pdb" \
    -o "$work/validation.html" --json-file "$work/validation.json"
