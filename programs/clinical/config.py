"""Every configurable default of the generator and the rules, with its source. Re-exported by `programs.clinical.rules`.

Where docs/clinical-sources.md marks a figure unconfirmed or sources disagree, the default is the conservative choice and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

MILES_TO_KM = 1.609344
# The longest plan or template, in weeks: the whole programme for proximal hamstring tendinopathy is expected to take
# 3-6 months (Goom 2016), so a year leaves room to go slower without plans that run on forever. Forms, serializers,
# the CLI, the services and the database constraints all read this.
MAX_PLAN_WEEKS = 52
# How far ahead a plan, a clearance or a change of program may start (programs.clinical.start_window): a year, so a
# physio can plan around a season while a typo in the year is still refused.
START_DAYS_AHEAD = 365
# How far back a runner's own new plan may start: a plan started last Monday. What a physio starts never goes back.
OWN_PLAN_DAYS_BACK = 7


@dataclass(frozen=True)
class RulesConfig:
    # ---- running load (docs/clinical-sources.md §7, seed 000/004)
    weekly_distance_step: float = 0.10
    """Largest week-over-week rise. The "10 % rule" is only a conservative default: it did not prevent injuries in
    novices (Buist 2008, docs/clinical-sources.md §7.3)."""
    two_week_distance_limit: float = 0.30
    """Largest rise over two weeks: >30 % in 2 weeks went with more distance injuries (Nielsen 2014, HR 1.59)."""
    lighter_week_every: int = 4
    """Train in cycles (seed 000); every 4th week is lighter. The cycle length is a house default (unconfirmed)."""
    lighter_week_factor: float = 0.8
    """A lighter week runs 80 % of the week before. No source gives a number (unconfirmed); 20 % off is a common
    coaching figure and, with the step rule, never causes a jump afterwards."""
    symptomatic_start_fraction: float = 0.6
    """First week of a plan with symptoms: 60 % of the current weekly distance. Seed 000 cut a 50-75 mi/week runner
    to 30-40: 0.6 × 50 = 30, and the cap below binds from ~67 mi. Return-to-run pages use 30-50 % after a layoff
    (unconfirmed, docs/clinical-sources.md §7.2); we stay with the seed because these runners are still running."""
    mild_running_pain: int = 2
    mild_start_fraction: float = 1.0
    """Running pain 0-2/10 and no pain in daily life: no cut in the first week. Seed 002's runner, sore only after
    races, was given no mileage cut (docs/clinical-sources.md §11)."""
    moderate_running_pain: int = 5
    severe_start_fraction: float = 0.3
    """Running pain above 5/10, or pain in daily life: the first week runs 30 % of the usual distance, the lower end of
    the 30-50 % return-to-run heuristic (unconfirmed, docs/clinical-sources.md §7.2); cross-training fills the rest."""
    symptomatic_weekly_cap_miles: float = 40.0
    """Never more than 40 mi (64 km) in the first week with symptoms (seed 000: 30-40 mi/week)."""
    restart_fraction: float = 0.3
    """Running restarting from zero (acute strain after the walk–jog stage) starts at 30 % of the usual weekly
    distance: the lower bound of the week-1 heuristic of 30-50 % (drpribut.com, unconfirmed, docs/clinical-sources.md §7.2). With
    return_steps after it, the documented exception to the step rule: a rise from 0 cannot be a percentage."""
    novice_months: int = 6
    """Runners with symptoms and fewer months of running build at novice_weekly_step and within too_much_per_month_km:
    seed 001's runner, 4 months in and at more than 40 km a week, was told it was "too much too soon" (house
    threshold)."""
    lighter_week_every_over_50: int = 3
    """From age 50, every 3rd week is lighter (house choice, unconfirmed: recovery takes longer with age)."""
    race_distances_km: tuple[tuple[str, float], ...] = (("5k", 5.0), ("10k", 10.0), ("half", 21.1), ("marathon", 42.2))
    race_week_easy_fraction: float = 0.3
    """Race week: the race plus easy running worth 30 % of the taper week's distance before it (house choice)."""
    min_run_km: float = 2.0
    """No run shorter than 2 km (1.2 mi): a small week has fewer runs rather than many tiny ones (house choice)."""
    race_recovery_weeks: int = 1
    race_recovery_fraction: float = 0.5
    """After a goal race, one week at half the level; the weeks after come back within rebound_limit and the two-week
    limit, so over three weeks or more (house choice, unconfirmed; seed 000's marathoner took a week off)."""
    min_run_free_days: int = 2
    """Symptomatic runners keep at least two run-free days a week (seed 000: "take a couple of days off each week")."""
    min_run_free_days_healthy: int = 1
    """Pain-free runners keep at least one (house default, unconfirmed)."""
    taper_weeks: tuple[tuple[str, int], ...] = (("marathon", 3), ("half", 2), ("10k", 1), ("5k", 1), ("other", 1))
    """Taper before a goal race: three weeks for a marathon (seed 000); shorter races shorter (unconfirmed)."""
    taper_weekly_reduction: float = 0.2
    """Each taper week runs 20 % less of the pre-taper distance than the one before (unconfirmed coaching default)."""
    speed_clear_runs: int = 3
    """Speed work returns once the last 3 reported runs had no tightness afterwards. Seed 004: "eliminate speed work
    … until tightness after activity subsides"; the count of 3 is a conservative house choice (unconfirmed)."""
    return_steps: tuple[float, ...] = (0.5, 0.8, 1.0)
    """Running again after a strain or weeks without running: after the restart week (restart_fraction) the next weeks
    run these shares of the usual week, back to it in the fourth week while it stays comfortable. §7.2 (opinion,
    unconfirmed): 30-50 % → 40-60 % → 80 % → 100 %; we take the middle of the second range (house choice). A documented
    exception to the weekly step and the two-week limit (a return to a known level, not a new high)."""
    rebound_limit: float = 0.25
    """Back to the level after a lighter week, a taper or a race: at most 25 % more than the week before (a 20 % lighter
    week returns exactly), and the two-week limit counts the rebound (house choice, conservative)."""
    longest_run_step: float = 0.1
    """No run longer than the runner's longest run plus 10 % (the weekly step's size; house choice, conservative);
    a week that would need longer runs on the runner's days is shorter instead."""
    long_run_share_when_worse: float = 1.0
    """Worse on long runs: the long run is no longer than this times an even share of the week (1.0: the same as the
    other runs). Seed 000's ache came on in long runs (house choice, conservative)."""
    speed_hold_weeks_when_worse: int = 6
    """Worse with speed work: no speed work (nor run-throughs above speed_pace_percent) in the plan's first 6 weeks,
    and after that only once tightness after running has settled (seed 004; the 6 weeks are a house choice)."""
    speed_pace_percent: int = 70
    """Run-throughs above 70 % of full pace are speed work and are gated like it. Aspetar/Vermeulen (§7.1): pain-free
    running above 70 % is what opens stage 3; Hickey 2020: 70-90 % is high-speed running."""
    novice_weekly_step: float = 0.05
    """Runners with fewer than novice_months of running build at half the usual step (house choice, conservative:
    the 10 % rule did not protect novices, Buist 2008, §7.3); never above weekly_distance_step when that is set
    lower."""
    too_much_per_month_km: float = 8.0
    """"Too much too soon" (seed 001: 4 months in, more than 40 km a week): a runner with symptoms and fewer than
    novice_months of running runs at most this many km a week per month of running (4 months: 32 km), at the start
    and as the ceiling (house threshold, unconfirmed)."""
    walk_run_return: tuple[tuple[int, int, float], ...] = (
        (2, 3, 1.6),
        (3, 2, 1.6),
        (4, 1, 2.4),
        (5, 1, 2.4),
        (9, 1, 3.2),
        (0, 0, 3.2),
    )
    """Returning to running from no running (0 a week): one week per phase of (minutes running, minutes walking, km per
    session; 0 walking = continuous). Military return-to-run table (Trials 2023, §7.2): walk/run 2:3 min over 1 mile up
    to 2 miles continuous, each phase at least twice; the middle phases are a house interpolation (unconfirmed)."""
    walk_run_sessions: int = 3
    """Walk–run sessions a week, never on consecutive days (§7.2: at least one rest day between runs; each phase at
    least twice)."""
    painful_running_walk_run_weeks: int = 2
    """Running pain at intake above the pathway's limit: the first 2 weeks of running are walk–run (the first phase's
    intervals) at the severe start fraction, so no continuous run is booked at a pain we know is above the limit; then
    continuous running builds from there. §7.2 (stop the running part above 3/10; walk/run first); house choice."""
    keep_walk_run_interval: tuple[int, int] = (4, 1)
    """A walker-runner who keeps walk–run intervals: 4 min running, 1 min walking unless a physio sets otherwise
    (house default, unconfirmed)."""
    space_runs_when_mornings_worse: bool = True
    """Worse in the mornings: runs never on consecutive days, so every run is followed by a morning to check
    (Silbernagel 2007, §5.1: pain must settle by the next morning; the spacing is a house choice)."""

    # ---- sessions around the race and the long runs (docs/clinical-sources.md §16.4)
    nordic_type_exercises: tuple[str, ...] = (
        "nordic_curl",
        "nordic_curl_band_assisted",
        "slider_curl",
        "towel_slider_curl",
    )
    """The Nordic-type work kept off the long run and not built up in a taper: heavy lowering of the bent knee, which
    leaves the hamstrings sore for 24-48 h (the Nordic's own cue in the catalogue; Petersen 2011 reported soreness in
    the first weeks). The slider curls are the same lowering with the feet sliding away (house choice)."""
    race_clear_days: int = 2
    """No eccentric or loaded lengthening hamstring work on race day or within 2 days either side, and no strength
    session at all on race day: soreness lasts 24-48 h (house choice, conservative; no source gives a number)."""
    long_run_clear_days: int = 2
    """Nordic-type work at least 2 days (about 48 h) before a long run and not on its day (so never after it on the
    same day): soreness lasts 24-48 h (house choice, conservative; the Nordic's own cue)."""
    long_run_spacing_min_days: int = 3
    """With fewer available days than this the long-run rule is waived: with two days, strength and running must share
    them (house choice)."""

    # ---- the pain rules (docs/clinical-sources.md §5)
    severe_pain_factor: int = 2
    severe_pain_floor: int = 7
    """Severe pain in an exercise: at least twice its limit, or 7/10 whatever the limit. The exercise pauses until a
    pain-free try, running gets no increase and no speed work next week, the red-flag questions come again and a linked
    physio is told. The safety review set these; no source gives a number (house choice, conservative)."""
    severe_run_next_week_fraction: float = 0.5
    """A run at severe pain (the same threshold as an exercise, `severe_pain_at`): the rest of that week is walking or
    cross-training, and the week after runs at most half the week of the painful run, then builds again by the weekly
    step. No source gives a number; half matches the §7.2 heuristic for one to two weeks off (about half), since the
    runner has just lost the rest of a week (house choice, conservative)."""
    missed_runs_days: int = 7
    """A week or more without a logged run while runs were planned lowers the running (§7.2: 1-2 weeks off → about
    half; house threshold, conservative)."""
    missed_runs_fraction: float = 0.5
    """... to half the week's planned distance, then it builds again by the weekly step (§7.2, unconfirmed)."""
    paused_run_walk_minutes: int = 20
    """A run left out after severe pain becomes an easy 20-minute walk, or cross-training instead (house choice)."""
    rising_mornings: int = 2
    """Next-morning pain or stiffness rising this many mornings in a row (after the first) holds all loading, as does a
    morning above the limit (Silbernagel 2007: must settle by the next morning and not rise week to week)."""
    week_rise_holds: bool = True
    """Next-morning pain averaging higher this week than last week holds next week's progression (Silbernagel 2007:
    symptoms must not rise week to week, docs/clinical-sources.md §5.1)."""
    review_after_days: int = 7
    """Mornings still rising this many days after the hold began → advise a clinician review (the plan goes on)."""
    reread_day_logs_days: int = 14
    """Day logs this recent are read again when they are added or changed after the rules passed their date (a morning
    check answered after the day's run was logged): two weeks covers any day a runner still fills in (house choice)."""

    # ---- screening (docs/clinical-sources.md §9.3)
    rest_pain_referral: int = 4
    """Pain at rest of 4/10 or more → advise seeing someone soon (the plan goes on). At rest there is no load to explain
    pain; 4 is above the "safe" 0-3 zone of the pain-monitoring model (docs/clinical-sources.md §5.1). Conservative."""
    rest_pain_stop: int = 6
    """Pain at rest of 6/10 or more stops the plan until a clinician has seen the runner. No source gives a number:
    a house choice, conservative, just above the advise band of 4-5 the safety review set."""
    no_improvement_weeks: int = 4
    """Pain for more than 4 weeks that is not getting better → advise a review (the plan goes on). "No improvement
    after 1 month" (docs/clinical-sources.md §9.3); a tendinopathy takes 3-6 months (§8), so it never stops a plan."""

    malignancy_screen_age: int = 50
    """From this age, pain that is not getting better counts toward the cluster of signs that a doctor should rule out
    an illness elsewhere in the body (cancer, infection). The guideline summaries say "age over 50" (docs/clinical-
    sources.md §9.3); 50 itself is included (house choice, conservative)."""
    recurrent_strains_referral: int = 2
    """Two or more earlier hamstring strains → advise a physiotherapist soon to look at why they keep coming back: a
    previous strain is the largest risk factor for the next (Warren 2010, docs/clinical-sources.md §1 and §13). The
    count of 2 is a house choice (conservative)."""

    # ---- time estimates for fitting a day into minutes_per_session (house estimates, not clinical facts)
    seconds_per_rep: int = 4
    rest_between_sets_seconds: int = 45
    minutes_per_lap: float = 1.5
    seconds_per_10_m: int = 10  # drills: moving plus walking back
    trim_minutes_floor: int = 5  # shorten a minutes-dosed item to fit, but never below 5 minutes

    def lighter_week_every_from(self, age: int) -> int:
        every = self.lighter_week_every
        return min(every, self.lighter_week_every_over_50) if age >= 50 and every else every

    def severe_pain_at(self, limit: int) -> int:
        return max(limit + 1, min(self.severe_pain_factor * limit, self.severe_pain_floor))

    def taper_weeks_for(self, race_distance: str) -> int:
        return dict(self.taper_weeks).get(race_distance, 1)


DEFAULT_CONFIG = RulesConfig()
