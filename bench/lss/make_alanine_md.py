"""Alanine dipeptide MD with OpenMM for the LSS acceptance runs (issue 5).

amber14-all, 300 K, Langevin (LangevinMiddleIntegrator) with friction 1/ps, 2 fs steps,
bonds to hydrogen constrained, frames every --interval ps as DCD.

  vacuum:   no cutoff, Reference platform (fastest for 22 atoms on one core)
  implicit: amber14 + GBn2 (implicit/gbn2.xml), CPU platform with one thread

Usage: python3 make_alanine_md.py PDB OUT.dcd --ns 100 --seed 1 [--solvent vacuum|implicit] [--interval 1.0]
"""
import argparse
import sys
import time

import openmm
import openmm.app as app
import openmm.unit as unit

parser = argparse.ArgumentParser()
parser.add_argument("pdb")
parser.add_argument("out")
parser.add_argument("--ns", type=float, default=100.0)
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--solvent", choices=["vacuum", "implicit"], default="vacuum")
parser.add_argument("--interval", type=float, default=1.0, help="ps between saved frames")
parser.add_argument("--equilibrate", type=float, default=100.0, help="ps discarded before saving")
args = parser.parse_args()

pdb = app.PDBFile(args.pdb)
if args.solvent == "vacuum":
    forcefield = app.ForceField("amber14-all.xml")
    platform = openmm.Platform.getPlatformByName("Reference")
    properties = {}
else:
    forcefield = app.ForceField("amber14-all.xml", "implicit/gbn2.xml")
    platform = openmm.Platform.getPlatformByName("CPU")
    properties = {"Threads": "1"}
system = forcefield.createSystem(pdb.topology, nonbondedMethod=app.NoCutoff, constraints=app.HBonds)
step = 0.002  # ps
integrator = openmm.LangevinMiddleIntegrator(300 * unit.kelvin, 1 / unit.picosecond, step * unit.picoseconds)
integrator.setRandomNumberSeed(args.seed)
simulation = app.Simulation(pdb.topology, system, integrator, platform, properties)
simulation.context.setPositions(pdb.positions)
simulation.minimizeEnergy()
simulation.context.setVelocitiesToTemperature(300 * unit.kelvin, args.seed)
simulation.step(int(round(args.equilibrate / step)))

stride = int(round(args.interval / step))
frames = int(round(args.ns * 1000 / args.interval))
simulation.reporters.append(app.DCDReporter(args.out, stride))
started = time.time()
simulation.step(frames * stride)
elapsed = time.time() - started
print(f"{args.ns} ns ({frames} frames) in {elapsed:.0f} s: {args.ns / elapsed * 86400 / 1000:.2f} us/day", file=sys.stderr)
