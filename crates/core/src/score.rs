//! The life-area score engine (seed 001 §III.1, with the definitions of the life-domain issue).
//!
//! score = clamp(baseline + momentum + commitment − boundary − upset + breakthrough, 0, 100),
//! stored rounded to one decimal, where `baseline` is the area's latest self-assessment (0–100;
//! 50 until the person rates the area, the Phoenix Fulfillment method's starting point) and over
//! the window W = 30 days back from `now`:
//! - momentum = 20 × Σ(wᵢ × chargeᵢ / 5) / max(Σwᵢ, 1), wᵢ = 0.5^(ageᵢ / 14 days), over the
//!   area's events with `occurred_at` in (now − W, now]; range −20..+20;
//! - commitment = 15 × completed / total over all the area's commitments (0 when none);
//! - boundary = min(10 × violations in the window, 30);
//! - upset = min(5 × UPSET events in the window, 20);
//! - breakthrough = min(15 × BREAKTHROUGH events in the window, 30).

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::event::EventType;
use crate::life_area::AreaStatus;

/// Length of the scoring window.
pub const WINDOW_DAYS: i64 = 30;
/// Half-life of an event's weight in the momentum, in days.
pub const HALF_LIFE_DAYS: f64 = 14.0;
/// The baseline of an area nobody has rated.
pub const DEFAULT_BASELINE: f64 = 50.0;

/// What the engine needs of one event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoredEvent {
    pub occurred_at: DateTime<Utc>,
    /// −5..+5.
    pub emotional_charge: i32,
    pub event_type: EventType,
}

/// Everything one area's score depends on.
#[derive(Debug, Clone)]
pub struct ScoreInputs {
    /// The area's self-assessed starting score, 0–100.
    pub baseline: f64,
    /// The area's events (any dates; the engine applies the window).
    pub events: Vec<ScoredEvent>,
    /// Commitments of the area that are COMPLETED or INTEGRATED.
    pub commitments_completed: u32,
    /// All commitments of the area.
    pub commitments_total: u32,
    /// When each violation of the area's boundaries happened (any dates).
    pub violations: Vec<DateTime<Utc>>,
}

impl Default for ScoreInputs {
    fn default() -> Self {
        Self {
            baseline: DEFAULT_BASELINE,
            events: Vec::new(),
            commitments_completed: 0,
            commitments_total: 0,
            violations: Vec::new(),
        }
    }
}

/// The score and each factor, for storage and for explaining the score to the user.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScoreBreakdown {
    /// The area's self-assessed starting score, 0–100 (50 when never rated).
    pub baseline: f64,
    /// −20..+20.
    pub momentum: f64,
    /// 0..15.
    pub commitment: f64,
    /// 0..30, subtracted.
    pub boundary_penalty: f64,
    /// 0..20, subtracted.
    pub upset_penalty: f64,
    /// 0..30, added.
    pub breakthrough_bonus: f64,
    /// Events in the window.
    pub event_count: u32,
    pub upset_count: u32,
    pub breakthrough_count: u32,
    pub violation_count: u32,
    /// 0..100, rounded to one decimal.
    pub score: f64,
    /// Band of the rounded score.
    pub status: AreaStatus,
}

/// True when `t` is inside the window (now − 30 days, now].
pub fn in_window(t: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    t > now - Duration::days(WINDOW_DAYS) && t <= now
}

/// Rounds to one decimal, halves away from zero.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The sums and counts a score is computed from. The database computes the same sums in SQL
/// (`wisdomos_db::life_areas`), so a recomputation reads six numbers rather than every event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreAggregates {
    /// The area's baseline, 0–100.
    pub baseline: f64,
    /// Σ wᵢ × chargeᵢ / 5 over the events in the window.
    pub weighted_charge: f64,
    /// Σ wᵢ over the events in the window.
    pub weight: f64,
    pub event_count: u32,
    pub upset_count: u32,
    pub breakthrough_count: u32,
    /// Violations in the window.
    pub violation_count: u32,
    pub commitments_completed: u32,
    pub commitments_total: u32,
}

impl Default for ScoreAggregates {
    fn default() -> Self {
        Self {
            baseline: DEFAULT_BASELINE,
            weighted_charge: 0.0,
            weight: 0.0,
            event_count: 0,
            upset_count: 0,
            breakthrough_count: 0,
            violation_count: 0,
            commitments_completed: 0,
            commitments_total: 0,
        }
    }
}

/// The weight of an event `age_days` old: 0.5^(age / 14).
pub fn weight(age_days: f64) -> f64 {
    0.5f64.powf(age_days / HALF_LIFE_DAYS)
}

impl ScoreInputs {
    /// Applies the window and the decay at `now`.
    pub fn aggregate(&self, now: DateTime<Utc>) -> ScoreAggregates {
        let mut a = ScoreAggregates {
            baseline: self.baseline.clamp(0.0, 100.0),
            commitments_completed: self.commitments_completed,
            commitments_total: self.commitments_total,
            violation_count: self
                .violations
                .iter()
                .filter(|t| in_window(**t, now))
                .count() as u32,
            ..Default::default()
        };
        for e in self.events.iter().filter(|e| in_window(e.occurred_at, now)) {
            let age_days = (now - e.occurred_at).num_milliseconds() as f64 / 86_400_000.0;
            let w = weight(age_days);
            let charge = f64::from(
                e.emotional_charge
                    .clamp(crate::event::CHARGE_MIN, crate::event::CHARGE_MAX),
            );
            a.weight += w;
            a.weighted_charge += w * charge / 5.0;
            a.event_count += 1;
            match e.event_type {
                EventType::Upset => a.upset_count += 1,
                EventType::Breakthrough => a.breakthrough_count += 1,
                _ => {}
            }
        }
        a
    }
}

/// Computes an area's score at `now`.
pub fn compute(inputs: &ScoreInputs, now: DateTime<Utc>) -> ScoreBreakdown {
    compute_aggregates(&inputs.aggregate(now))
}

/// Computes a score from its sums and counts (see the module documentation).
pub fn compute_aggregates(a: &ScoreAggregates) -> ScoreBreakdown {
    let momentum = 20.0 * a.weighted_charge / a.weight.max(1.0);
    let commitment = if a.commitments_total == 0 {
        0.0
    } else {
        15.0 * f64::from(a.commitments_completed.min(a.commitments_total))
            / f64::from(a.commitments_total)
    };
    let boundary_penalty = (10.0 * f64::from(a.violation_count)).min(30.0);
    let upset_penalty = (5.0 * f64::from(a.upset_count)).min(20.0);
    let breakthrough_bonus = (15.0 * f64::from(a.breakthrough_count)).min(30.0);
    let raw =
        a.baseline + momentum + commitment - boundary_penalty - upset_penalty + breakthrough_bonus;
    let score = round1(raw.clamp(0.0, 100.0));
    ScoreBreakdown {
        baseline: a.baseline,
        momentum,
        commitment,
        boundary_penalty,
        upset_penalty,
        breakthrough_bonus,
        event_count: a.event_count,
        upset_count: a.upset_count,
        breakthrough_count: a.breakthrough_count,
        violation_count: a.violation_count,
        score,
        status: AreaStatus::for_score(score),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use EventType::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 15, 12, 0, 0).unwrap()
    }

    fn ev(days_ago: f64, charge: i32, t: EventType) -> ScoredEvent {
        ScoredEvent {
            occurred_at: now() - Duration::milliseconds((days_ago * 86_400_000.0) as i64),
            emotional_charge: charge,
            event_type: t,
        }
    }

    fn inputs(
        events: Vec<ScoredEvent>,
        done: u32,
        total: u32,
        violations_days_ago: &[f64],
    ) -> ScoreInputs {
        ScoreInputs {
            baseline: DEFAULT_BASELINE,
            events,
            commitments_completed: done,
            commitments_total: total,
            violations: violations_days_ago
                .iter()
                .map(|d| now() - Duration::milliseconds((d * 86_400_000.0) as i64))
                .collect(),
        }
    }

    /// (name, inputs, expected score) — each case worked out by hand from the formula.
    #[test]
    fn score_table() {
        let w7 = 0.5f64.powf(0.5); // weight of an event 7 days old
        let cases: Vec<(&str, ScoreInputs, f64)> = vec![
            ("empty area", inputs(vec![], 0, 0, &[]), 50.0),
            (
                "one +5 now: weight 1, full momentum",
                inputs(vec![ev(0.0, 5, Progress)], 0, 0, &[]),
                70.0,
            ),
            (
                "one -5 now",
                inputs(vec![ev(0.0, -5, Setback)], 0, 0, &[]),
                30.0,
            ),
            (
                "one +5 14 days old: weight 0.5 is diluted by max(Σw,1)",
                inputs(vec![ev(14.0, 5, Progress)], 0, 0, &[]),
                60.0,
            ),
            (
                "one +5 28 days old: weight 0.25",
                inputs(vec![ev(28.0, 5, Progress)], 0, 0, &[]),
                55.0,
            ),
            (
                "two +5 now: Σw = 2",
                inputs(vec![ev(0.0, 5, Progress), ev(0.0, 5, Progress)], 0, 0, &[]),
                70.0,
            ),
            (
                "+5 now and -5 now cancel",
                inputs(vec![ev(0.0, 5, Progress), ev(0.0, -5, Setback)], 0, 0, &[]),
                50.0,
            ),
            (
                "charge 0 events",
                inputs(vec![ev(0.0, 0, Learning), ev(3.0, 0, Learning)], 0, 0, &[]),
                50.0,
            ),
            (
                "+2 now",
                inputs(vec![ev(0.0, 2, Progress)], 0, 0, &[]),
                58.0,
            ),
            (
                "decay: +5 now and -5 7 days ago",
                inputs(vec![ev(0.0, 5, Progress), ev(7.0, -5, Setback)], 0, 0, &[]),
                round1(50.0 + 20.0 * (1.0 - w7) / (1.0 + w7)),
            ),
            (
                "event 31 days ago is outside the window",
                inputs(vec![ev(31.0, 5, Breakthrough)], 0, 0, &[]),
                50.0,
            ),
            (
                "event exactly 30 days ago is outside (open end)",
                inputs(vec![ev(30.0, 5, Breakthrough)], 0, 0, &[]),
                50.0,
            ),
            (
                "event just inside 30 days",
                inputs(vec![ev(29.999, 0, Milestone)], 0, 0, &[]),
                50.0,
            ),
            (
                "future event is ignored",
                inputs(vec![ev(-0.5, 5, Breakthrough)], 0, 0, &[]),
                50.0,
            ),
            ("commitments 1 of 2", inputs(vec![], 1, 2, &[]), 57.5),
            ("commitments all kept", inputs(vec![], 3, 3, &[]), 65.0),
            ("commitments none kept", inputs(vec![], 0, 4, &[]), 50.0),
            ("one violation", inputs(vec![], 0, 0, &[1.0]), 40.0),
            (
                "violations cap at 30",
                inputs(vec![], 0, 0, &[1.0, 2.0, 3.0, 4.0, 5.0]),
                20.0,
            ),
            (
                "old violation outside window",
                inputs(vec![], 0, 0, &[45.0]),
                50.0,
            ),
            (
                "one upset at charge 0",
                inputs(vec![ev(0.0, 0, Upset)], 0, 0, &[]),
                45.0,
            ),
            (
                "upsets cap at 20",
                inputs((0..6).map(|_| ev(0.0, 0, Upset)).collect(), 0, 0, &[]),
                30.0,
            ),
            (
                "one breakthrough at charge 0",
                inputs(vec![ev(0.0, 0, Breakthrough)], 0, 0, &[]),
                65.0,
            ),
            (
                "breakthroughs cap at 30",
                inputs(
                    (0..4).map(|_| ev(0.0, 0, Breakthrough)).collect(),
                    0,
                    0,
                    &[],
                ),
                80.0,
            ),
            (
                "clamp at 100",
                inputs(
                    (0..3).map(|_| ev(0.0, 5, Breakthrough)).collect(),
                    2,
                    2,
                    &[],
                ),
                100.0, // 50 + 20 + 15 + 30 = 115
            ),
            (
                "clamp at 0",
                inputs(
                    (0..5).map(|_| ev(0.0, -5, Upset)).collect(),
                    0,
                    3,
                    &[1.0, 2.0, 3.0],
                ),
                0.0, // 50 - 20 - 30 - 20 = -20
            ),
            (
                "everything at once",
                inputs(
                    vec![ev(0.0, 4, Breakthrough), ev(0.0, -2, Upset)],
                    1,
                    4,
                    &[2.0],
                ),
                // momentum 20 × (0.8 − 0.4) / 2 = 4; commitment 3.75; −10; −5; +15
                57.8,
            ),
        ];
        assert!(cases.len() >= 25);
        for (name, input, want) in cases {
            let got = compute(&input, now());
            assert!(
                (got.score - want).abs() < 1e-9,
                "{name}: got {} want {want} ({got:?})",
                got.score
            );
            assert_eq!(got.status, AreaStatus::for_score(got.score), "{name}");
        }
    }

    /// The baseline replaces the constant 50 and every factor moves from it; the clamp holds at
    /// both ends (worked by hand: baseline + factor).
    #[test]
    fn baseline_table() {
        let factors: Vec<(&str, ScoreInputs, f64)> = vec![
            ("no events", inputs(vec![], 0, 0, &[]), 0.0),
            (
                "+5 now",
                inputs(vec![ev(0.0, 5, Progress)], 0, 0, &[]),
                20.0,
            ),
            (
                "-5 now",
                inputs(vec![ev(0.0, -5, Setback)], 0, 0, &[]),
                -20.0,
            ),
            ("commitments 1 of 2", inputs(vec![], 1, 2, &[]), 7.5),
            ("one violation", inputs(vec![], 0, 0, &[1.0]), -10.0),
            (
                "one upset",
                inputs(vec![ev(0.0, 0, Upset)], 0, 0, &[]),
                -5.0,
            ),
            (
                "one breakthrough",
                inputs(vec![ev(0.0, 0, Breakthrough)], 0, 0, &[]),
                15.0,
            ),
        ];
        for baseline in [0.0, 50.0, 100.0] {
            for (name, input, delta) in &factors {
                let input = ScoreInputs {
                    baseline,
                    ..input.clone()
                };
                let got = compute(&input, now());
                let want = round1((baseline + delta).clamp(0.0, 100.0));
                assert!(
                    (got.score - want).abs() < 1e-9,
                    "baseline {baseline}, {name}: got {} want {want}",
                    got.score
                );
                assert_eq!(got.baseline, baseline);
            }
        }
        // 50 is the default, so an unrated area scores as before.
        assert_eq!(ScoreInputs::default().baseline, DEFAULT_BASELINE);
    }

    #[test]
    fn momentum_stays_within_twenty() {
        for n in 1..40 {
            let up: Vec<_> = (0..n)
                .map(|i| ev(f64::from(i) * 0.7, 5, Progress))
                .collect();
            let down: Vec<_> = (0..n)
                .map(|i| ev(f64::from(i) * 0.7, -5, Setback))
                .collect();
            assert!(compute(&inputs(up, 0, 0, &[]), now()).momentum <= 20.0 + 1e-9);
            assert!(compute(&inputs(down, 0, 0, &[]), now()).momentum >= -20.0 - 1e-9);
        }
    }

    #[test]
    fn counts_are_reported() {
        let b = compute(
            &inputs(
                vec![
                    ev(1.0, 1, Upset),
                    ev(2.0, 3, Breakthrough),
                    ev(40.0, 3, Breakthrough),
                ],
                0,
                0,
                &[3.0, 60.0],
            ),
            now(),
        );
        assert_eq!(
            (
                b.event_count,
                b.upset_count,
                b.breakthrough_count,
                b.violation_count
            ),
            (2, 1, 1, 1)
        );
    }

    #[test]
    fn status_band_edges_from_rounded_scores() {
        for (score, status) in [
            (19.9, AreaStatus::Crisis),
            (20.0, AreaStatus::Struggling),
            (39.9, AreaStatus::Struggling),
            (40.0, AreaStatus::Balanced),
            (69.9, AreaStatus::Balanced),
            (70.0, AreaStatus::Thriving),
            (89.9, AreaStatus::Thriving),
            (90.0, AreaStatus::Flourishing),
        ] {
            assert_eq!(AreaStatus::for_score(round1(score)), status, "{score}");
        }
        // 19.96 rounds to 20.0 and so is STRUGGLING, not CRISIS.
        assert_eq!(AreaStatus::for_score(round1(19.96)), AreaStatus::Struggling);
    }
}
