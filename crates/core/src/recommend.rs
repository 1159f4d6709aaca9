//! "Atlas pattern detection" (seed 003, issue 14): recommendations computed from an
//! organisation's graph, each with a reason a person can read, a confidence in 0–1, a key that
//! identifies what it is about (so the job never makes it twice), and the intervention that
//! applying it makes. Pure: the job supplies the participants, edges and communities.
//!
//! The four rules (docs/console.md):
//! - **reconnect**: a `dormant` participant with a tie to an `active`/`reactivated` one: pair
//!   them with their strongest such tie as mentor (confidence: that tie's confidence).
//! - **introduce**: a participant without any relationship who is `new` or `isolated`:
//!   introduce them to the best-connected active participant, of their own role when there is
//!   one (confidence 0.7 same role, 0.5 otherwise).
//! - **bridge**: a cut vertex whose removal would split its component into pieces of at least
//!   [`MIN_PIECE`] each (`crate::cut_vertex`): introduce its heaviest neighbours in the two
//!   largest pieces to each other, so the pieces stay joined without them (confidence
//!   0.5 + 0.5 · min(1, 2 · second piece / (component − 1)): an even split matters most).
//! - **cooling segment**: a community of at least [`MIN_SEGMENT`] members of whom at least half
//!   are `cooling` or `dormant`: move those still at lifecycle stage `active` to `onboarding`
//!   for re-engagement (confidence: the cooling share).
//!
//! Each rule keeps at most [`MAX_PER_RULE`] recommendations, the most confident first.

use crate::community::Graph;
use crate::cut_vertex::cut_vertices;
use crate::participant::{EngagementState, LifecycleStage, RelationshipType};

/// Fewest participants on each side for a bridge to matter.
pub const MIN_PIECE: usize = 2;
/// Fewest members for a community to be "a segment cooling as a whole".
pub const MIN_SEGMENT: usize = 3;
/// Most recommendations one rule makes per run.
pub const MAX_PER_RULE: usize = 50;

/// A participant as the rules read them (index = node of the graph).
#[derive(Debug, Clone)]
pub struct Person {
    /// Stable identity (the participant id), used in keys.
    pub id: String,
    pub name: String,
    pub role: String,
    pub stage: LifecycleStage,
    pub state: EngagementState,
}

/// A community segment: its id (stable across recomputations), name and members.
#[derive(Debug, Clone)]
pub struct Community {
    pub id: String,
    pub name: String,
    pub members: Vec<usize>,
}

/// The intervention that applying a recommendation makes.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A `relationship_add` from `from` to `to`.
    Relate {
        from: usize,
        to: usize,
        kind: RelationshipType,
    },
    /// A `lifecycle_change` of `targets` to `stage`.
    Stage {
        targets: Vec<usize>,
        stage: LifecycleStage,
    },
}

/// What a recommendation is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Participant(usize),
    /// A segment by id.
    Segment(String),
}

/// One recommendation.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    /// `reconnect`, `introduce`, `bridge` or `cooling_segment`.
    pub rule: &'static str,
    pub target: Target,
    /// Short, e.g. "Pair Dana Reyes with Sam Ortiz as mentor".
    pub suggested_action: String,
    pub reason: String,
    /// 0–1.
    pub confidence: f64,
    /// `rule:target`, unique among live recommendations.
    pub key: String,
    pub action: Action,
}

fn active(s: EngagementState) -> bool {
    matches!(s, EngagementState::Active | EngagementState::Reactivated)
}

/// System participants (seed 003: automated members such as a welcome guide) are never the
/// subject of a recommendation nor the person one proposes.
fn person(p: &Person) -> bool {
    p.role != "system"
}

/// Every recommendation the graph supports now. `graph` holds the relationships weighted by
/// confidence (node = index into `people`); `edges` the directed typed edges that exist, sorted,
/// so that none is proposed twice.
pub fn recommend(
    people: &[Person],
    graph: &Graph,
    edges: &[(usize, usize, RelationshipType)],
    communities: &[Community],
) -> Vec<Recommendation> {
    let has_edge = |a: usize, b: usize, k: RelationshipType| {
        edges
            .binary_search(&(a, b, k))
            .or_else(|_| edges.binary_search(&(b, a, k)))
            .is_ok()
    };
    let degree = |i: usize| graph.neighbours(i).filter(|&(j, _)| j != i).count();
    let mut out = Vec::new();
    out.extend(top(reconnect(people, graph, &has_edge)));
    out.extend(top(introduce(people, &degree)));
    out.extend(top(bridges(people, graph, &has_edge)));
    out.extend(top(cooling(people, communities)));
    out
}

fn top(mut v: Vec<Recommendation>) -> Vec<Recommendation> {
    v.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(a.key.cmp(&b.key))
    });
    v.truncate(MAX_PER_RULE);
    v
}

fn reconnect(
    people: &[Person],
    g: &Graph,
    has_edge: &dyn Fn(usize, usize, RelationshipType) -> bool,
) -> Vec<Recommendation> {
    let mut out = Vec::new();
    for (i, p) in people.iter().enumerate() {
        if p.state != EngagementState::Dormant || !person(p) {
            continue;
        }
        let best = g
            .neighbours(i)
            .filter(|&(j, _)| j != i && active(people[j].state) && person(&people[j]))
            .filter(|&(j, _)| !has_edge(j, i, RelationshipType::Mentor))
            .fold(None::<(usize, f64)>, |b, (j, w)| match b {
                Some((_, bw)) if bw >= w => b,
                _ => Some((j, w)),
            });
        let Some((j, w)) = best else { continue };
        let tie = &people[j];
        out.push(Recommendation {
            rule: "reconnect",
            target: Target::Participant(i),
            suggested_action: format!("Pair {} with {} as mentor", p.name, tie.name),
            reason: format!(
                "{} has gone dormant; {} is their strongest active tie (confidence {:.2}) and \
                 can bring them back in.",
                p.name, tie.name, w
            ),
            confidence: w.clamp(0.0, 1.0),
            key: format!("reconnect:{}", p.id),
            action: Action::Relate {
                from: j,
                to: i,
                kind: RelationshipType::Mentor,
            },
        });
    }
    out
}

fn introduce(people: &[Person], degree: &dyn Fn(usize) -> usize) -> Vec<Recommendation> {
    // The best-connected active participant, of each role and overall.
    let mut best_any: Option<(usize, usize)> = None;
    let mut best_role: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for (i, p) in people.iter().enumerate() {
        let d = degree(i);
        if !active(p.state) || d == 0 || !person(p) {
            continue;
        }
        if best_any.is_none_or(|(_, bd)| d > bd) {
            best_any = Some((i, d));
        }
        let e = best_role.entry(p.role.as_str()).or_insert((i, d));
        if d > e.1 {
            *e = (i, d);
        }
    }
    let mut out = Vec::new();
    for (i, p) in people.iter().enumerate() {
        if degree(i) > 0
            || !person(p)
            || !matches!(p.state, EngagementState::New | EngagementState::Isolated)
        {
            continue;
        }
        let same = best_role.get(p.role.as_str()).copied();
        let Some(((j, d), conf)) = same.map(|b| (b, 0.7)).or(best_any.map(|b| (b, 0.5))) else {
            continue;
        };
        let other = &people[j];
        let fit = if conf > 0.6 {
            format!("also a {} and", other.role)
        } else {
            "the".to_owned()
        };
        out.push(Recommendation {
            rule: "introduce",
            target: Target::Participant(i),
            suggested_action: format!("Introduce {} to {}", p.name, other.name),
            reason: format!(
                "{} has no relationships yet; {} is {fit} best-connected active participant \
                 ({d} relationships).",
                p.name, other.name
            ),
            confidence: conf,
            key: format!("introduce:{}", p.id),
            action: Action::Relate {
                from: j,
                to: i,
                kind: RelationshipType::Introduced,
            },
        });
    }
    out
}

fn bridges(
    people: &[Person],
    g: &Graph,
    has_edge: &dyn Fn(usize, usize, RelationshipType) -> bool,
) -> Vec<Recommendation> {
    let mut out = Vec::new();
    for cut in cut_vertices(g) {
        let [(big, a), (second, b), ..] = cut.pieces[..] else {
            continue;
        };
        if second < MIN_PIECE
            || has_edge(a, b, RelationshipType::Introduced)
            || !person(&people[a])
            || !person(&people[b])
        {
            continue;
        }
        let split = (2.0 * second as f64 / (cut.component - 1) as f64).min(1.0);
        let v = &people[cut.node];
        out.push(Recommendation {
            rule: "bridge",
            target: Target::Participant(cut.node),
            suggested_action: format!("Introduce {} to {}", people[a].name, people[b].name),
            reason: format!(
                "{} is the only link between a group of {big} and a group of {second}; if they \
                 step away the groups lose touch. {} and {} are their closest ties on each side.",
                v.name, people[a].name, people[b].name
            ),
            confidence: 0.5 + 0.5 * split,
            key: format!("bridge:{}", v.id),
            action: Action::Relate {
                from: a,
                to: b,
                kind: RelationshipType::Introduced,
            },
        });
    }
    out
}

fn cooling(people: &[Person], communities: &[Community]) -> Vec<Recommendation> {
    let mut out = Vec::new();
    for c in communities {
        if c.members.len() < MIN_SEGMENT {
            continue;
        }
        let cold: Vec<usize> = c
            .members
            .iter()
            .copied()
            .filter(|&i| {
                person(&people[i])
                    && matches!(
                        people[i].state,
                        EngagementState::Cooling | EngagementState::Dormant
                    )
            })
            .collect();
        let share = cold.len() as f64 / c.members.len() as f64;
        let targets: Vec<usize> = cold
            .iter()
            .copied()
            .filter(|&i| people[i].stage == LifecycleStage::Active)
            .collect();
        if share < 0.5 || targets.is_empty() {
            continue;
        }
        out.push(Recommendation {
            rule: "cooling_segment",
            target: Target::Segment(c.id.clone()),
            suggested_action: format!("Re-onboard {} cooling members of {}", targets.len(), c.name),
            reason: format!(
                "{} of the {} members of {} are cooling or dormant: the group as a whole is \
                 drifting away.",
                cold.len(),
                c.members.len(),
                c.name
            ),
            confidence: share,
            key: format!("cooling_segment:{}", c.id),
            action: Action::Stage {
                targets,
                stage: LifecycleStage::Onboarding,
            },
        });
    }
    out
}

#[cfg(test)]
#[path = "recommend_tests.rs"]
mod tests;
