use super::*;
use EngagementState::*;

fn person(i: usize, role: &str, state: EngagementState) -> Person {
    Person {
        id: format!("p{i}"),
        name: format!("P{i}"),
        role: role.into(),
        stage: LifecycleStage::Active,
        state,
    }
}

fn run(
    people: &[Person],
    links: &[(usize, usize, f64)],
    communities: &[Community],
) -> Vec<Recommendation> {
    let mut g = Graph::new(people.len());
    let mut edges = Vec::new();
    for &(a, b, w) in links {
        g.add_edge(a, b, w);
        edges.push((a, b, RelationshipType::Peer));
    }
    edges.sort();
    recommend(people, &g, &edges, communities)
}

fn rules(v: &[Recommendation]) -> Vec<(&str, &str)> {
    v.iter()
        .map(|r| (r.rule, r.key.split(':').nth(1).unwrap_or("")))
        .collect()
}

#[test]
fn a_dormant_participant_is_paired_with_their_strongest_active_tie() {
    let people = [
        person(0, "member", Dormant),
        person(1, "member", Active),
        person(2, "member", Reactivated),
        person(3, "member", Dormant),
    ];
    let recs = run(
        &people,
        &[(0, 1, 0.4), (0, 2, 0.9), (0, 3, 1.0), (1, 2, 1.0)],
        &[],
    );
    let r = recs.iter().find(|r| r.rule == "reconnect").unwrap();
    assert_eq!(r.target, Target::Participant(0));
    assert_eq!(
        r.action,
        Action::Relate {
            from: 2,
            to: 0,
            kind: RelationshipType::Mentor
        }
    );
    assert!((r.confidence - 0.9).abs() < 1e-9);
    assert!(r.reason.contains("P2"), "{}", r.reason);
    // P3 is dormant too, but its only active-side tie is … none: no recommendation for it.
    assert_eq!(recs.iter().filter(|r| r.rule == "reconnect").count(), 1);
}

#[test]
fn an_isolated_newcomer_is_introduced_to_the_best_connected_of_their_role() {
    let people = [
        person(0, "coach", New),
        person(1, "member", Active),
        person(2, "coach", Active),
        person(3, "member", Active),
        person(4, "member", Active),
        person(5, "facilitator", Isolated),
    ];
    let recs = run(&people, &[(1, 2, 1.0), (1, 3, 1.0), (1, 4, 1.0)], &[]);
    let intro: Vec<_> = recs.iter().filter(|r| r.rule == "introduce").collect();
    assert_eq!(intro.len(), 2);
    let coach = intro
        .iter()
        .find(|r| r.target == Target::Participant(0))
        .unwrap();
    assert_eq!(
        coach.action,
        Action::Relate {
            from: 2,
            to: 0,
            kind: RelationshipType::Introduced
        }
    );
    assert!((coach.confidence - 0.7).abs() < 1e-9);
    let other = intro
        .iter()
        .find(|r| r.target == Target::Participant(5))
        .unwrap();
    assert_eq!(
        other.action,
        Action::Relate {
            from: 1,
            to: 5,
            kind: RelationshipType::Introduced
        }
    );
    assert!((other.confidence - 0.5).abs() < 1e-9);
}

#[test]
fn a_bridge_between_two_groups_gets_its_sides_introduced() {
    let people: Vec<Person> = (0..7).map(|i| person(i, "member", Active)).collect();
    let recs = run(
        &people,
        &[
            (0, 1, 1.0),
            (1, 2, 1.0),
            (0, 2, 1.0),
            (2, 3, 1.0),
            (3, 4, 0.8),
            (4, 5, 1.0),
            (5, 6, 1.0),
            (4, 6, 1.0),
        ],
        &[],
    );
    let bridges: Vec<_> = recs.iter().filter(|r| r.rule == "bridge").collect();
    // 2, 3 and 4 are cut vertices; each leaves two groups of at least two.
    assert_eq!(rules(&recs).iter().filter(|r| r.0 == "bridge").count(), 3);
    let three = bridges
        .iter()
        .find(|r| r.target == Target::Participant(3))
        .unwrap();
    assert_eq!(
        three.action,
        Action::Relate {
            from: 2,
            to: 4,
            kind: RelationshipType::Introduced
        }
    );
    assert!(
        (three.confidence - 1.0).abs() < 1e-9,
        "an even split: {}",
        three.confidence
    );
    // A leaf hanging off a node is no bridge.
    let star = run(&people[..4], &[(0, 1, 1.0), (0, 2, 1.0), (0, 3, 1.0)], &[]);
    assert!(star.iter().all(|r| r.rule != "bridge"));
}

#[test]
fn a_community_mostly_cooling_is_flagged_with_its_active_stage_members() {
    let mut people = vec![
        person(0, "member", Cooling),
        person(1, "member", Dormant),
        person(2, "member", Active),
        person(3, "member", Cooling),
    ];
    people[3].stage = LifecycleStage::Paused;
    let c = Community {
        id: "s1".into(),
        name: "Community 1".into(),
        members: vec![0, 1, 2, 3],
    };
    let recs = run(
        &people,
        &[(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (3, 0, 1.0)],
        std::slice::from_ref(&c),
    );
    let r = recs.iter().find(|r| r.rule == "cooling_segment").unwrap();
    assert_eq!(r.target, Target::Segment("s1".into()));
    assert_eq!(
        r.action,
        Action::Stage {
            targets: vec![0, 1],
            stage: LifecycleStage::Onboarding
        }
    );
    assert!((r.confidence - 0.75).abs() < 1e-9);
    people[0].state = Active;
    people[1].state = Active;
    let recs = run(
        &people,
        &[(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (3, 0, 1.0)],
        &[c],
    );
    assert!(recs.iter().all(|r| r.rule != "cooling_segment"));
}

#[test]
fn keys_name_the_participant_not_the_position() {
    let people = [person(0, "member", Dormant), person(1, "member", Active)];
    let recs = run(&people, &[(0, 1, 1.0)], &[]);
    assert_eq!(recs[0].key, "reconnect:p0");
}

#[test]
fn each_rule_keeps_its_most_confident_few() {
    let mut people: Vec<Person> = (0..200).map(|i| person(i, "member", Dormant)).collect();
    people.push(person(200, "member", Active));
    let links: Vec<(usize, usize, f64)> = (0..200)
        .map(|i| (i, 200, (i as f64 + 1.0) / 200.0))
        .collect();
    let recs = run(&people, &links, &[]);
    let rec: Vec<_> = recs.iter().filter(|r| r.rule == "reconnect").collect();
    assert_eq!(rec.len(), MAX_PER_RULE);
    assert!(rec.iter().all(|r| r.confidence > 0.74));
}

#[test]
fn system_participants_are_neither_subject_nor_partner() {
    let people = [
        person(0, "system", New),
        person(1, "system", Active),
        person(2, "member", Active),
        person(3, "member", Isolated),
        person(4, "member", Dormant),
    ];
    let recs = run(&people, &[(1, 4, 1.0), (1, 2, 0.2), (2, 4, 0.3)], &[]);
    assert!(
        recs.iter().all(|r| r.target != Target::Participant(0)),
        "{recs:?}"
    );
    let intro = recs
        .iter()
        .find(|r| r.target == Target::Participant(3))
        .unwrap();
    assert_eq!(
        intro.action,
        Action::Relate {
            from: 2,
            to: 3,
            kind: RelationshipType::Introduced
        }
    );
    let back = recs.iter().find(|r| r.rule == "reconnect").unwrap();
    assert_eq!(
        back.action,
        Action::Relate {
            from: 2,
            to: 4,
            kind: RelationshipType::Mentor
        },
        "not through the system tie"
    );
}
