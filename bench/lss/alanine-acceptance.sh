#!/bin/sh
# The alanine-dipeptide acceptance run of issue 5, in vacuum: train an LSS on ~100 ns of OpenMM MD
# (heavy-atom distances, heavy atoms decoded) and validate it against an independent 100 ns run.
#
#   bench/lss/alanine-acceptance.sh [WORKDIR]
#
# Makes the MD with bench/lss/make_alanine_md.py when WORKDIR does not hold it yet (about 15 min
# per 100 ns on one core with OpenMM's Reference platform), then prints the validation summary and
# writes WORKDIR/validation.json and WORKDIR/validation.html. The criteria are in bench/lss/README.md.
# The decoder trains for 500 epochs (lss train's default at 100,000 frames; the data regime alone
# would give 100): measured, F(φ, ψ) of decoded structures falls from 0.73 kT at 100 to 0.47 kT.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:-"$root/.build/alanine-acceptance"}
pdb="$root/../shared/data/alanine-dipeptide.pdb"
lss=${LSS:-"$root/.build/release/lss"}
mkdir -p "$work"
for run in train:1 heldout:2; do
    name=${run%%:*}; seed=${run##*:}
    if [ ! -s "$work/ala-vac-$name.dcd" ]; then
        python3 "$here/make_alanine_md.py" "$pdb" "$work/ala-vac-$name.dcd" --ns 100 --seed "$seed" --interval 1.0
    fi
done
"$lss" train "$work/ala-vac-train.dcd" --topology "$pdb" --features "distances:select=heavy" \
    --lag "${LAG:-2ps}" --latent "${LATENT:-2}" --ensemble 5 --decode heavy --decoder-epochs "${DECODER_EPOCHS:-500}" \
    --seed "${SEED:-1}" -o "$work/model" \
    > "$work/train.txt"
cat "$work/train.txt"
"$lss" validate "$work/model" "$work/ala-vac-heldout.dcd" --topology "$pdb" --training "$work/ala-vac-train.dcd" \
    -o "$work/validation.html" --json-file "$work/validation.json"
