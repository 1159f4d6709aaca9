//! Computed segments of an organisation's participants (issue 14, seed 003): engagement from
//! the last activity, and stable identity for community segments across recomputations.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Engagement by recency of activity.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Engagement {
    /// Active within `cooling_after_days`.
    Active,
    /// Last active between `cooling_after_days` and `dormant_after_days` ago.
    Cooling,
    /// Not active for `dormant_after_days` or more, or never.
    Dormant,
}

impl Engagement {
    /// `active`, `cooling` or `dormant`.
    pub fn as_str(self) -> &'static str {
        match self {
            Engagement::Active => "active",
            Engagement::Cooling => "cooling",
            Engagement::Dormant => "dormant",
        }
    }
}

/// A workspace's engagement thresholds, in days (defaults 14 and 45; `cooling < dormant`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EngagementThresholds {
    pub cooling_after_days: i64,
    pub dormant_after_days: i64,
}

impl Default for EngagementThresholds {
    fn default() -> Self {
        EngagementThresholds {
            cooling_after_days: 14,
            dormant_after_days: 45,
        }
    }
}

/// The engagement of a participant last active at `last` (never: `None`) at `now`.
pub fn engagement(
    last: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    t: EngagementThresholds,
) -> Engagement {
    match last {
        Some(at) if now - at < Duration::days(t.cooling_after_days) => Engagement::Active,
        Some(at) if now - at < Duration::days(t.dormant_after_days) => Engagement::Cooling,
        _ => Engagement::Dormant,
    }
}

/// Jaccard similarity of two sets (0 when both are empty).
fn jaccard(a: &BTreeSet<usize>, b: &BTreeSet<usize>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// For each of the `new` communities, the identity of the `previous` community it continues,
/// if any: largest new communities choose first, each takes the not-yet-taken previous one it
/// overlaps most, when their Jaccard similarity is at least `MIN_OVERLAP` (0.5). Others get
/// `None` (a new segment). So a segment keeps its id and name while its membership mostly stays.
pub fn carry_ids<Id: Clone + PartialEq>(
    previous: &[(Id, BTreeSet<usize>)],
    new: &[BTreeSet<usize>],
) -> Vec<Option<Id>> {
    const MIN_OVERLAP: f64 = 0.5;
    let mut order: Vec<usize> = (0..new.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(new[i].len()));
    let mut taken = vec![false; previous.len()];
    let mut out = vec![None; new.len()];
    for i in order {
        let best = previous
            .iter()
            .enumerate()
            .filter(|(p, _)| !taken[*p])
            .map(|(p, (_, members))| (p, jaccard(&new[i], members)))
            .filter(|(_, j)| *j >= MIN_OVERLAP)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        if let Some((p, _)) = best {
            taken[p] = true;
            out[i] = Some(previous[p].0.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engagement_follows_the_thresholds() {
        let now = Utc::now();
        let t = EngagementThresholds::default();
        assert_eq!(
            engagement(Some(now - Duration::days(3)), now, t),
            Engagement::Active
        );
        assert_eq!(
            engagement(Some(now - Duration::days(14)), now, t),
            Engagement::Cooling
        );
        assert_eq!(
            engagement(Some(now - Duration::days(45)), now, t),
            Engagement::Dormant
        );
        assert_eq!(engagement(None, now, t), Engagement::Dormant);
        let tight = EngagementThresholds {
            cooling_after_days: 2,
            dormant_after_days: 5,
        };
        assert_eq!(
            engagement(Some(now - Duration::days(3)), now, tight),
            Engagement::Cooling
        );
    }

    fn set(v: &[usize]) -> BTreeSet<usize> {
        v.iter().copied().collect()
    }

    #[test]
    fn segments_keep_their_identity_while_membership_mostly_stays() {
        let previous = vec![("a", set(&[1, 2, 3, 4])), ("b", set(&[5, 6, 7, 8]))];
        // A member moved from b to a, and a new small group appeared.
        let new = vec![set(&[5, 6, 7]), set(&[1, 2, 3, 4, 8]), set(&[9, 10])];
        assert_eq!(carry_ids(&previous, &new), vec![Some("b"), Some("a"), None]);
        // A community that mostly changed is new.
        assert_eq!(carry_ids(&previous, &[set(&[1, 9, 10, 11])]), vec![None]);
        // Two new halves of one old community: only the larger keeps the id.
        let split = vec![set(&[1, 2]), set(&[3, 4, 5])];
        assert_eq!(
            carry_ids(&[("a", set(&[1, 2, 3, 4, 5]))], &split),
            vec![None, Some("a")]
        );
    }
}
