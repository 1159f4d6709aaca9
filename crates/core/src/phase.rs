//! The phase of a conversation (seed 002: phase 1, 2 or 3, with a depth from 0 to 1), which picks
//! how the assistant meets the person.
//!
//! The model (docs/assistant.md):
//! - **Phase 1, opening**: the person names what is going on. Every conversation starts here.
//! - **Phase 2, deepening**: they look at it from the inside: feelings, reasons, what keeps
//!   repeating ("why do I", "I always", "I feel", "pattern", "afraid").
//! - **Phase 3, integrating**: they draw a conclusion or commit to a step ("I realise", "I will",
//!   "I'm going to", "my next step", "I've decided", "thank you, that helps").
//!
//! Depth is the client's `conversationDepth` when it sends one (0–1), else it grows with the
//! person's turns: `min(1, (turns − 1) / 5)`, so the sixth turn is full depth. The phase is the
//! highest of: the previous turn's phase (a conversation does not go back), the depth's band
//! (below 0.34 → 1, below 0.67 → 2, else 3), and the cues in the message (deepening → 2;
//! integrating → 3, from the second turn on, since a first message has nothing to integrate).

/// Cues of looking inward (phase 2), matched as lower-case substrings.
const DEEPENING: &[&str] = &[
    "why do i",
    "why am i",
    "i always",
    "i never",
    "i feel",
    "i felt",
    "keeps happening",
    "again and again",
    "pattern",
    "afraid",
    "scared",
    "ashamed",
    "deep down",
    "the real reason",
    "i keep",
];

/// Cues of drawing a conclusion or committing (phase 3).
const INTEGRATING: &[&str] = &[
    "i realise",
    "i realize",
    "i see now",
    "i understand now",
    "i will ",
    "i'll ",
    "i'm going to",
    "i am going to",
    "my next step",
    "i've decided",
    "i have decided",
    "i commit",
    "that helps",
    "thank you",
    "makes sense now",
    "from now on",
];

/// A conversation's phase after one more message from the person.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Phase {
    /// 1, 2 or 3.
    pub phase: u8,
    /// 0–1.
    pub depth: f32,
}

/// The phase after the person's `turn`-th message (1-based) `text`, given the phase before it
/// (`None` for a new conversation) and the client's `depth` (0–1, clamped) if it sent one.
pub fn next(previous: Option<u8>, turn: u32, depth: Option<f32>, text: &str) -> Phase {
    let depth = depth
        .map(|d| d.clamp(0.0, 1.0))
        .unwrap_or_else(|| ((turn.max(1) - 1) as f32 / 5.0).min(1.0));
    let band = if depth < 0.34 {
        1
    } else if depth < 0.67 {
        2
    } else {
        3
    };
    let t = format!("{} ", text.to_lowercase().replace('\u{2019}', "'"));
    let cued = if turn >= 2 && INTEGRATING.iter().any(|c| t.contains(c)) {
        3
    } else if DEEPENING.iter().any(|c| t.contains(c)) {
        2
    } else {
        1
    };
    Phase {
        phase: previous.unwrap_or(1).max(band).max(cued).clamp(1, 3),
        depth,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conversation_opens_deepens_and_integrates() {
        let p = next(
            None,
            1,
            None,
            "I need help with estate planning for my family",
        );
        assert_eq!((p.phase, p.depth), (1, 0.0));
        let p = next(
            Some(1),
            2,
            None,
            "Why do I always put this off? I feel afraid of it",
        );
        assert_eq!(p.phase, 2);
        let p = next(
            Some(2),
            3,
            None,
            "I see now. I'll call a lawyer on Monday, thank you",
        );
        assert_eq!(p.phase, 3);
    }

    #[test]
    fn a_first_message_does_not_integrate_and_phases_do_not_go_back() {
        assert_eq!(next(None, 1, None, "I will start a business").phase, 1);
        assert_eq!(next(Some(3), 4, None, "ok").phase, 3);
    }

    #[test]
    fn depth_comes_from_the_client_or_the_turns() {
        assert_eq!(next(None, 1, Some(0.7), "hello").phase, 3);
        assert_eq!(next(None, 1, Some(1.5), "hello").depth, 1.0);
        assert_eq!(next(Some(1), 3, None, "hello").phase, 2);
        assert_eq!(next(Some(1), 6, None, "hello").phase, 3);
    }
}
