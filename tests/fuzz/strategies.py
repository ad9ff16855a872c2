"""Hypothesis strategies for every input ipexpath reads: case forms, phenopackets, YAML text, PED and family
files (random valid pedigrees with unions across generations, large sibships and consanguinity), VCF
records (multi-allelic, symbolic, missing fields) and HGVS strings.

Each strategy mixes valid values with hostile ones (huge or non-finite numbers, control characters, lone
surrogates, wrong types, unknown keys), so that one run covers both "works" and "fails clearly".
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import yaml
from hypothesis import strategies as st

# Real HPO ids of the IPEX phenotype (HPO 2025-01-16) plus look-alikes that are not terms.
HPO_IDS = ("HP:0002028", "HP:0000964", "HP:0100651", "HP:0001513", "HP:0002014", "HP:0001892")
FAKE_IDS = ("HP:9999999", "HP:12", "hp:0002028", "OMIM:304790", "", "HP:0002028\x1b[2J")

HOSTILE_TEXT = st.sampled_from(
    ["\x1b[31mred", "\ud800", "\x00", "a" * 5000, "href=x", "<script>", "\u202e", "9" * 400, "é", "🙂"]
)
HOSTILE_NUMBER = st.sampled_from([float("nan"), float("inf"), -1.0, 1e308, 10**40, -(10**40), 200, 0])
text = st.one_of(st.text(max_size=40), HOSTILE_TEXT)
scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), text, HOSTILE_NUMBER)
json_value = st.recursive(
    scalar, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(text, kids, max_size=4), max_leaves=12
)


def mostly(valid: st.SearchStrategy[object], hostile: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """`valid` four times in five, else `hostile` (one_of would weigh each flattened branch equally)."""
    return st.integers(0, 4).flatmap(lambda k: valid if k else hostile)


hpo_id = mostly(st.sampled_from(HPO_IDS), st.one_of(st.sampled_from(FAKE_IDS), text))
age_value = mostly(
    st.sampled_from(["P3M", "P1Y6M", "2 years", "10 d", "P4W", "P2Y"]),
    st.one_of(st.sampled_from(["P200Y", "P", "PT5H", "-3 y", "NaN", "P99999999999Y"]), HOSTILE_NUMBER, text),
)
sex_value = mostly(
    st.sampled_from(["male", "female", "unknown", "other", "MALE", "FEMALE", "UNKNOWN_SEX"]),
    st.one_of(st.sampled_from(["BOGUS", "1", "2"]), scalar),
)


# --------------------------------------------------------------------------------------------- cases
@st.composite
def case_forms(draw: st.DrawFn) -> dict[str, object]:
    """ipexpath's hand-written YAML case form, mostly valid, sometimes with wrong types or unknown keys."""
    form: dict[str, object] = {}
    if draw(st.booleans()):
        form["id"] = draw(st.one_of(text, scalar))
    if draw(st.booleans()):
        form["sex"] = draw(sex_value)
    if draw(st.booleans()):
        form["age"] = draw(age_value)
    if draw(st.booleans()):
        form["onset"] = draw(age_value)
    terms = st.lists(
        st.one_of(hpo_id, hpo_id, st.fixed_dictionaries({"id": hpo_id, "onset": age_value})), max_size=6
    )
    form["observed"] = draw(mostly(terms, scalar))
    if draw(st.booleans()):
        form["excluded"] = draw(st.lists(hpo_id, max_size=3))
    if draw(st.integers(0, 9)) == 0:
        form[draw(text)] = draw(json_value)
    for key in ("id", "sex", "age", "onset"):  # mostly plain values
        if key in form and draw(st.integers(0, 2)) > 0:
            form[key] = {"id": "case-1", "sex": "male", "age": "P6M", "onset": "P2M"}[key]
    return form


@st.composite
def phenopackets(draw: st.DrawFn) -> dict[str, object]:
    """A GA4GH Phenopacket v2 as JSON data, with invalid enum values, ages and unknown fields mixed in."""
    subject: dict[str, object] = {"id": draw(text)}
    if draw(st.booleans()):
        subject["sex"] = draw(sex_value)
    if draw(st.booleans()):
        subject["timeAtLastEncounter"] = {"age": {"iso8601duration": draw(age_value)}}
    features = draw(
        st.lists(
            st.fixed_dictionaries(
                {"type": st.fixed_dictionaries({"id": hpo_id, "label": text})},
                optional={"excluded": st.booleans(), "onset": st.just({"age": {"iso8601duration": "P2M"}})},
            ),
            max_size=5,
        )
    )
    packet: dict[str, object] = {
        "id": draw(text),
        "subject": subject,
        "phenotypicFeatures": features,
        "metaData": {"created": "2024-01-01T00:00:00Z", "createdBy": "fuzz"},
    }
    if draw(st.integers(0, 4)) == 0:
        packet[draw(st.sampled_from(["extra", "subject"]))] = draw(json_value)
    if draw(st.integers(0, 4)) == 0:
        subject["extraField"] = draw(json_value)
    return packet


# --------------------------------------------------------------------------------------------- documents
@st.composite
def documents(draw: st.DrawFn, data: st.SearchStrategy[object]) -> tuple[str, bytes]:
    """(suffix, bytes) of `data` written as YAML or JSON, sometimes mutated (aliases, tabs, bad bytes)."""
    value = draw(data)
    as_json = draw(st.booleans())
    try:
        body = (
            json.dumps(value, ensure_ascii=draw(st.booleans()), allow_nan=True)
            if as_json
            else yaml.safe_dump(value, allow_unicode=True)
        )
    except (ValueError, yaml.YAMLError, UnicodeEncodeError):
        body = "{}"
    raw = body.encode("utf-8", "surrogatepass")
    mutation = draw(st.integers(0, 15))
    if mutation == 1:
        raw = b"a: &x [1, 2]\nb: [*x, *x]\n" + raw
    elif mutation == 2:
        raw = raw.replace(b"  ", b"\t", 1)
    elif mutation == 3:
        cut = draw(st.integers(0, max(0, len(raw))))
        raw = raw[:cut] + draw(st.binary(max_size=8)) + raw[cut:]
    elif mutation == 4:
        raw = b"[" * 2000 + b"]" * 2000
    return (".json" if as_json else ".yaml"), raw


# --------------------------------------------------------------------------------------------- pedigrees
@dataclass(frozen=True)
class RandomPerson:
    id: str
    sex: str  # male, female, unknown
    father: str | None
    mother: str | None
    affected: str  # affected, unaffected, unknown
    proband: bool = False


@st.composite
def pedigrees(draw: st.DrawFn, max_people: int = 30) -> list[RandomPerson]:
    """A random valid pedigree: parents are drawn among everyone already present (any generation), so
    unions across generations (a man with a woman and her daughter), consanguinity and half-sibships
    occur; sometimes one couple gets a large sibship."""
    n_founders = draw(st.integers(1, 4))
    people: list[RandomPerson] = []
    for i in range(n_founders):
        people.append(RandomPerson(f"F{i}", draw(st.sampled_from(["male", "female"])), None, None, "unknown"))
    for i in range(draw(st.integers(0, max_people))):
        males = [p.id for p in people if p.sex == "male"]
        females = [p.id for p in people if p.sex == "female"]
        if not males or not females or draw(st.integers(0, 5)) == 0:
            sex = draw(st.sampled_from(["male", "female"]))
            people.append(RandomPerson(f"M{i}", sex, None, None, "unknown"))  # married in
            continue
        father = draw(st.sampled_from(males))
        mother = draw(st.sampled_from(females))
        sex = draw(st.sampled_from(["male", "female", "male", "female", "unknown"]))
        affected = draw(st.sampled_from(["affected", "unaffected", "unknown"]))
        people.append(RandomPerson(f"P{i}", sex, father, mother, affected))
    if draw(st.integers(0, 9)) == 0 and any(p.sex == "male" for p in people):
        father = next(p.id for p in people if p.sex == "male")
        mother_id = f"S{len(people)}"
        people.append(RandomPerson(mother_id, "female", None, None, "unknown"))
        for k in range(draw(st.integers(60, 120))):
            people.append(RandomPerson(f"K{k}", "male" if k % 2 else "female", father, mother_id, "unknown"))
    index = draw(st.integers(0, len(people) - 1))
    chosen = people[index]
    people[index] = RandomPerson(chosen.id, chosen.sex, chosen.father, chosen.mother, chosen.affected, True)
    return people


def ped_text(people: list[RandomPerson]) -> str:
    """LINKAGE PED lines."""
    sex = {"male": "1", "female": "2", "unknown": "0"}
    status = {"affected": "2", "unaffected": "1", "unknown": "0"}
    return "".join(
        f"FAM\t{p.id}\t{p.father or 0}\t{p.mother or 0}\t{sex[p.sex]}\t{status[p.affected]}\n" for p in people
    )


def family_yaml(people: list[RandomPerson]) -> dict[str, object]:
    """ipexpath's YAML family file."""
    rows: list[dict[str, object]] = []
    for p in people:
        row: dict[str, object] = {"id": p.id, "sex": p.sex, "affected": p.affected}
        if p.father:
            row["father"] = p.father
        if p.mother:
            row["mother"] = p.mother
        if p.proband:
            row["proband"] = True
        rows.append(row)
    return {"family": "FUZZ", "individuals": rows}


# --------------------------------------------------------------------------------------------- VCF
VCF_HEADER = (
    "##fileformat=VCFv4.2\n##contig=<ID=chrX,length=156040895>\n"
    '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. '
    'Format: Allele|Consequence|SYMBOL|Feature|HGVSc|HGVSp|MAX_AF">\n'
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
)
ALLELES = st.sampled_from(["A", "C", "G", "T", "AT", "CTT", "<DEL>", "<DUP>", "*", "N", "."])


@st.composite
def vcf_records(draw: st.DrawFn) -> str:
    """One chrX record in FOXP3 (GRCh38), multi-allelic or symbolic, with missing fields and odd GTs."""
    pos = draw(st.integers(49_250_000, 49_270_000))
    ref = draw(st.sampled_from(["A", "C", "G", "T", "AC"]))
    alts = draw(st.lists(ALLELES, min_size=1, max_size=3, unique=True))
    csq = ",".join(
        f"{a}|{draw(st.sampled_from(['missense_variant', 'stop_gained', 'frameshift_variant', '']))}|FOXP3|"
        f"NM_014009.4|NM_014009.4:c.{draw(st.integers(1, 1300))}G>A|NP_054728.2:p.Ala384Thr|"
        f"{draw(st.sampled_from(['0.001', '', '.', 'nan', '-1', 'inf']))}"
        for a in draw(st.lists(st.sampled_from([*alts, "T"]), max_size=3))
    )
    info = draw(st.sampled_from([f"CSQ={csq}", ".", f"DP=10;CSQ={csq}", "DP=abc"]))
    n_alt = len(alts)
    gt = draw(
        st.sampled_from(["0/1", "1/1", "1", "0", "./.", ".", f"0/{n_alt}", f"{n_alt}|{n_alt}", "2/3", "0/0"])
    )
    qual = draw(st.sampled_from(["50", ".", "nan"]))
    return f"chrX\t{pos}\t.\t{ref}\t{','.join(alts)}\t{qual}\tPASS\t{info}\tGT\t{gt}\n"


@st.composite
def vcf_files(draw: st.DrawFn) -> bytes:
    """A small VCF: header, sample line (sometimes a Latin-1 sample name), sorted FOXP3 records."""
    sample = draw(st.sampled_from([b"PROBAND", b"CAF\xe9", b"P 1", b"PROBAND\tMOTHER"]))
    records = sorted(draw(st.lists(vcf_records(), max_size=6)), key=lambda r: int(r.split("\t")[1]))
    body = "".join(records)
    if b"\t" in sample:  # two samples: repeat the genotype
        body = "".join(r.rstrip("\n") + "\t0/1\n" for r in records)
    head = VCF_HEADER.encode() + b"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + sample + b"\n"
    data = head + body.encode()
    if draw(st.integers(0, 5)) == 0:
        cut = draw(st.integers(0, len(data)))
        data = data[:cut]
    return data


# --------------------------------------------------------------------------------------------- HGVS
@st.composite
def hgvs_strings(draw: st.DrawFn) -> str:
    """HGVS descriptions on the FOXP3 transcript: valid substitutions, deletions, duplications, protein
    changes (matching or not), and malformed ones."""
    pos = draw(st.one_of(st.integers(-100, 1400), st.sampled_from([0, 10**30, -(10**30)])))
    end = pos + draw(st.integers(0, 30))
    base = draw(st.sampled_from("ACGTN"))
    alt = draw(st.sampled_from("ACGT"))
    c_part = draw(
        st.sampled_from(
            [
                f"c.{pos}{base}>{alt}",
                f"c.{pos}_{end}del",
                f"c.{pos}dup",
                f"c.{pos}+{draw(st.integers(1, 30))}{base}>{alt}",
                f"c.{pos}_{end}ins{'A' * draw(st.integers(0, 50))}",
                f"c.{pos}{base}>",
            ]
        )
    )
    transcript = draw(
        st.sampled_from(["NM_014009.4", "NM_014009.3", "NM_000000.1", "", "ENST00000376207.10"])
    )
    p_part = draw(
        st.sampled_from(["", " p.(Ala384Thr)", " p.Trp1Ter", " p.?", " p.(Arg347His)", " p.Xyz1Abc"])
    )
    text_value = f"{transcript}:{c_part}{p_part}" if transcript else f"{c_part}{p_part}"
    if draw(st.integers(0, 7)) == 0:
        text_value = draw(st.text(max_size=60))
    return text_value
