"""Where a dose comes from, in plain words: the one mapping from the works cited in `source` texts to a sentence a
runner reads under "Why?" and the full citation a physio opens one tap further. Pure.

The `source` texts of the catalogue, the pathway files and the rules keep their working shorthand (seed numbers,
section signs of docs/clinical-sources.md, "house choice"); no page shows them: every page reads them through
`source_notes`, which names each work it recognises once, in the order the text cites them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceNote:
    plain: str  # one sentence for the runner: who was studied and what it showed
    citation: str  # the full reference, for the physio


@dataclass(frozen=True)
class _Work:
    pattern: re.Pattern[str]
    note: SourceNote


def _work(pattern: str, plain: str, citation: str) -> _Work:
    return _Work(re.compile(pattern, re.IGNORECASE), SourceNote(plain, citation))


_WORKS: tuple[_Work, ...] = (
    _work(
        r"Petersen",
        "In a 2011 trial with 942 football players, a 10-week Nordic hamstring program cut new hamstring injuries by "
        "more than half.",
        "Petersen J, Thorborg K, Nielsen MB, Budtz-Jørgensen E, Hölmich P. Preventive effect of eccentric training on "
        "acute hamstring injuries in men's soccer: a cluster-randomized controlled trial. Am J Sports Med. "
        "2011;39(11):2296–2303.",
    ),
    _work(
        r"van Dyk",
        "Across 15 studies with about 8,500 athletes, programs that include the Nordic exercise halved hamstring "
        "injuries.",
        "van Dyk N, Behan FP, Whiteley R. Including the Nordic hamstring exercise in injury prevention programmes "
        "halves the rate of hamstring injuries: a systematic review and meta-analysis of 8459 athletes. Br J Sports "
        "Med. 2019;53(21):1362–1370.",
    ),
    _work(
        r"Askling",
        "In trials with elite footballers (2013) and sprinters (2014), these lengthening exercises brought athletes "
        "back weeks sooner than usual rehab.",
        "Askling CM, Tengvar M, Thorstensson A. Acute hamstring injuries in Swedish elite football: a prospective "
        "randomised controlled clinical trial comparing two rehabilitation protocols. Br J Sports Med. "
        "2013;47(15):953–959. Askling CM, Tengvar M, Tarassova O, Thorstensson A. Acute hamstring injuries in Swedish "
        "elite sprinters and jumpers: a prospective randomised controlled clinical trial comparing two rehabilitation "
        "protocols. Br J Sports Med. 2014;48(7):532–539.",
    ),
    _work(
        r"Mj[øo]lsnes",
        "In a 2004 trial with 21 football players, ten weeks of Nordics made the hamstrings stronger, while a machine "
        "leg curl alone did not.",
        "Mjølsnes R, Arnason A, Østhagen T, Raastad T, Bahr R. A 10-week randomized trial comparing eccentric vs. "
        "concentric hamstring strength training in well-trained soccer players. Scand J Med Sci Sports. "
        "2004;14(5):311–317.",
    ),
    _work(
        r"Heiderscheit",
        "Sports physiotherapists' 2010 guide to hamstring strains: gentle strength, balance and trunk work first, "
        "without stretching the injured muscle.",
        "Heiderscheit BC, Sherry MA, Silder A, Chumanov ES, Thelen DG. Hamstring strain injuries: recommendations for "
        "diagnosis, rehabilitation, and injury prevention. J Orthop Sports Phys Ther. 2010;40(2):67–81.",
    ),
    _work(
        r"Sherry",
        "In a 2004 trial with 24 athletes after a hamstring strain, agility and trunk exercises did at least as well "
        "as stretching and strengthening.",
        "Sherry MA, Best TM. A comparison of 2 rehabilitation programs in the treatment of acute hamstring strains. "
        "J Orthop Sports Phys Ther. 2004;34(3):116–125.",
    ),
    _work(
        r"Aspetar",
        "The hamstring rehab of Aspetar, a sports hospital for professional athletes: each stage starts only once the "
        "one before is pain-free.",
        "Aspetar (Qatar Orthopaedic and Sports Medicine Hospital) hamstring injury rehabilitation protocol: "
        "criteria-based stages, with its criteria table published in the British Journal of Sports Medicine (expert "
        "protocol).",
    ),
    _work(
        r"Goom",
        "Tendon specialists' 2016 guide for pain where the hamstring meets the sit bone: strength first with the hip "
        "fairly straight, then slowly into deeper bends.",
        "Goom TSH, Malliaras P, Reiman MP, Purdam CR. Proximal hamstring tendinopathy: clinical aspects of assessment "
        "and management. J Orthop Sports Phys Ther. 2016;46(6):483–493.",
    ),
    _work(
        r"Silbernagel",
        "In a 2007 trial, people with a painful tendon who kept training within this pain limit did as well as those "
        "who rested.",
        "Silbernagel KG, Thomeé R, Eriksson BI, Karlsson J. Continued sports activity, using a pain-monitoring model, "
        "during rehabilitation in patients with Achilles tendinopathy: a randomized controlled study. Am J Sports Med. "
        "2007;35(6):897–906.",
    ),
    _work(
        r"Hickey",
        "In a 2020 trial with 43 people after a hamstring strain, exercising with pain up to 4 out of 10 gave the same "
        "return time as staying pain-free.",
        "Hickey JT, Timmins RG, Maniar N, et al. Pain-free versus pain-threshold rehabilitation following acute "
        "hamstring strain injury: a randomized controlled trial. J Orthop Sports Phys Ther. 2020;50(2):91–103.",
    ),
    _work(
        r"Buist",
        "In a 2008 trial with 532 new runners, building up by about 10 % a week was as safe as a faster plan; "
        "RehabPlan keeps to it as the careful pace.",
        "Buist I, Bredeweg SW, van Mechelen W, Lemmink KAPM, Pepping GJ, Diercks RL. No effect of a graded training "
        "program on the number of running-related injuries in novice runners: a randomized controlled trial. Am J "
        "Sports Med. 2008;36(1):33–39.",
    ),
    _work(
        r"Nielsen",
        "In a 2014 study of 874 new runners, adding more than 30 % distance over two weeks went with more injuries.",
        "Nielsen RØ, Parner ET, Nohr EA, Sørensen H, Lind M, Rasmussen S. Excessive progression in weekly running "
        "distance and risk of running-related injuries: an association which varies according to type of injury. "
        "J Orthop Sports Phys Ther. 2014;44(10):739–747.",
    ),
    _work(
        r"Tyler",
        "A 2017 long-term follow-up of a hamstring rehab program by sports physiotherapists, with hip strength work "
        "like this from the start.",
        "Tyler TF, Schmitt BM, Nicholas SJ, McHugh MP. Rehabilitation after hamstring-strain injury emphasizing "
        "eccentric strengthening at long muscle lengths: results of long-term follow-up. J Sport Rehabil. "
        "2017;26(2):131–140.",
    ),
    _work(
        r"Del Monte|Zebis",
        "Studies of muscle activity found that the hip-hinge swing works the hamstrings hardest.",
        "Del Monte MJ, Opar DA, Timmins RG, et al. Hamstring myoelectrical activity during three different kettlebell "
        "swing exercises. J Strength Cond Res. 2020;34(7):1953–1958. Zebis MK et al. Kettlebell swing targets "
        "semitendinosus and supine leg curl targets biceps femoris. Br J Sports Med (2012–2013).",
    ),
    _work(
        r"previous hamstring injury|largest risk factor",
        "A hamstring injury before is the biggest risk for the next one (2 to 6 times the risk), so the strength work "
        "keeps going.",
        "Schmitt B, Tyler T, McHugh M. Hamstring injury rehabilitation and prevention of reinjury using lengthened "
        "state eccentric training: a new concept. Int J Sports Phys Ther. 2012;7(3):333–341 (as cited by a clinic "
        "page); recurrence figures: Heiderscheit 2010 and Comfort 2009.",
    ),
    _work(
        r"PMC8998857|Konrad",
        "A 2022 review of stretching studies: holding a stretch 30 seconds to 2 minutes improves range of movement "
        "after a few weeks.",
        "Konrad A, et al. Systematic review and meta-analysis of static stretching training and range of motion "
        "(2022): 1–3 sets of 30–120 s; range of motion improves after more than 4 weeks.",
    ),
    _work(
        r"PMC4555507|A/B-skips",
        "A published running-drill progression for coming back from a hamstring injury: short skips before strides.",
        "Clinical field progression for return to running after a hamstring injury, table 2 (published clinical "
        "commentary, expert).",
    ),
    _work(
        r"ACSM",
        "The American College of Sports Medicine's advice on how long and how often to hold a stretch.",
        "American College of Sports Medicine: static stretching guidance (acsm.org, 2021): hold 10–30 s, 2–4 "
        "repetitions, about 60 s in total, at least 2–3 days a week.",
    ),
    _work(
        r"FIFA 11\+",
        "FIFA's 11+ warm-up program for footballers uses planks like these.",
        "FIFA 11+ injury-prevention warm-up: planks 3 × 20–30 s.",
    ),
    _work(
        r"military|Trials 2023",
        "A walk-and-run return plan from a 2023 military trial: short steps, a rest day between runs.",
        "Military return-to-run table (trial protocol published in Trials, 2023): six walk/run phases, at least one "
        "rest day between runs, no progress with swelling, stiffness or rising pain.",
    ),
    _work(
        r"§7\.2|return-to-run|Return to running over",
        "Running clinicians' rule of thumb after time off: start at about half your usual distance and build back "
        "over a few weeks.",
        "Return-to-running guidance from running-medicine and clinic pages: week 1 30–50 %, week 2 40–60 %, week 3 "
        "80 %, week 4 100 % of the usual volume (expert opinion, not tested in a trial).",
    ),
    _work(
        r"§9\.3|clinician clears",
        "Warning signs that need a clinician's check before any running or lengthening work.",
        "Red-flag and referral criteria from clinical guidance, as listed in RehabPlan's clinical sources (red flags, "
        "referral triggers and injury grading).",
    ),
    _work(
        r"Your own usual",
        "Your own usual weekly running, as you told us.",
        "The runner's own usual weekly distance, from their answers.",
    ),
    _work(
        r"Added by the physio",
        "Added to the plan by the physio.",
        "Added in the program editor by the runner's physio.",
    ),
)

# The project's five founding documents (forum posts and consumer articles), cited as "seed 000" to "seed 004".
_SEEDS: dict[str, SourceNote] = {
    "000": SourceNote(
        "A running association's advice to a marathoner with an aching hamstring: fewer miles for a while, days off "
        "and training in cycles.",
        "Running-association question-and-answer page on a marathoner's hamstring ache (consumer advice).",
    ),
    "001": SourceNote(
        "Runners' own experience with a nagging hamstring ache: most runs easy, the first minutes very slowly.",
        "Runners' forum thread on a nagging hamstring ache in 10 km runners (consumer).",
    ),
    "002": SourceNote(
        "A running clinic's advice to a half-marathoner sore after races: single-leg strength for the hips, drills, "
        "and cross-training that builds slowly.",
        "Running-association clinic answer on a half-marathoner's hamstring soreness after races (consumer advice).",
    ),
    "003": SourceNote(
        "A popular article on hamstring pain that suggests these moves to warm up.",
        "Consumer article “Solving hamstring pain” (consumer).",
    ),
    "004": SourceNote(
        "Articles for runners: keep speed work out and the distance down until tightness after running settles.",
        "Compilation of web articles on hamstring pain in runners (consumer).",
    ),
}
_SEED_CITES = re.compile(r"\bseeds?\s+(\d{3}(?:\s*(?:,|and|to|–|-)\s*\d{3})*)", re.IGNORECASE)

# Exercise pages by physiotherapists, clinics and coaches (named by their web address in the texts).
_PRACTITIONER = re.compile(
    r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com\.au|co\.uk|com|org|ie|me)\b|practitioner|clinic page|Hartmann",
    re.IGNORECASE,
)
_ADDRESS = re.compile(r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com\.au|co\.uk|com|org|ie|me)\b", re.IGNORECASE)
_PRACTITIONER_PLAIN = "Exercise advice from physiotherapists' and coaches' pages: experience, not a trial."

# Where no study gives a number and RehabPlan picked the careful side.
_HOUSE = re.compile(
    r"house\b|conservative default|unconfirmed|a physio should set|lower bound|Judgement|judged|capped",
    re.IGNORECASE,
)
HOUSE_NOTE = SourceNote(
    "RehabPlan's cautious default: no study gives this exact number, so the plan takes the careful side, and a "
    "physio can change it.",
    "RehabPlan's conservative default where the published sources give no figure or disagree; editable by the "
    "physio in the program editor.",
)


def source_notes(source: str) -> tuple[SourceNote, ...]:
    """The works a `source` text cites, each once, in the order it cites them; then practitioner pages and
    RehabPlan's own cautious defaults when the text relies on them. Empty for an empty text."""
    found: list[tuple[int, SourceNote]] = []
    for work in _WORKS:
        match = work.pattern.search(source)
        if match:
            found.append((match.start(), work.note))
    for cite in _SEED_CITES.finditer(source):
        for number in re.findall(r"\d{3}", cite.group(1)):
            if number in _SEEDS:
                found.append((cite.start(), _SEEDS[number]))
    notes = list(dict.fromkeys(note for _, note in sorted(found, key=lambda pair: pair[0])))
    if _PRACTITIONER.search(source):
        addresses = ", ".join(dict.fromkeys(a.lower() for a in _ADDRESS.findall(source)))
        citation = "Practitioner and clinic pages (expert advice)" + (f": {addresses}." if addresses else ".")
        notes.append(SourceNote(_PRACTITIONER_PLAIN, citation))
    if _HOUSE.search(source) or (source.strip() and not notes):
        notes.append(HOUSE_NOTE)
    return tuple(notes)
