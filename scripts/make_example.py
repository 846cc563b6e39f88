#!/usr/bin/env python3
"""Makes data/examples/{profiles,pairs}.csv: a small family built from real NIST 1036
genotypes (public domain). Two unrelated NIST individuals are the parents; their two
children inherit one allele from each parent by Mendelian draws (fixed seed, no
mutation); a third NIST individual is unrelated to all. Run once; the output is
committed so the README's first command needs no Python."""
import csv, random, sys

src = sys.argv[1] if len(sys.argv) > 1 else "../shared/allele_freqs/NIST1036_genotypes.csv"
rng = random.Random(20261123)
geno = {}
for r in csv.DictReader(open(src)):
    if r["allele1"] == "NA":
        continue
    geno.setdefault(r["sample"], {})[r["locus"]] = (r["allele1"], r["allele2"])
ids = sorted(s for s, g in geno.items() if len(g) == 29)
father, mother, stranger = rng.sample(ids, 3)
loci = sorted(geno[father])
people = {"father": geno[father], "mother": geno[mother], "unrelated": geno[stranger]}
for child in ("child1", "child2"):
    people[child] = {l: tuple(sorted((rng.choice(geno[father][l]), rng.choice(geno[mother][l])),
                                     key=lambda a: float(a)))
                     for l in loci}
with open("data/examples/profiles.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["sample_id", "locus", "allele1", "allele2"])
    for name in ("father", "mother", "child1", "child2", "unrelated"):
        for l in loci:
            w.writerow([name, l, *people[name][l]])
with open("data/examples/pairs.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id1", "id2", "relationship"])
    for row in [("father", "child1", "parent-child"), ("mother", "child2", "parent-child"),
                ("child1", "child2", "full-siblings"), ("father", "unrelated", "parent-child"),
                ("child1", "unrelated", "full-siblings"), ("father", "child2", "half-siblings")]:
        w.writerow(row)
print("parents", father, mother, "unrelated", stranger)
