//! The prompt every generation provider gets (seed 002 "How it works", step 3): the shared
//! framework, the workspace's voice and personality, the guidance for the person's element and
//! phase, the prohibited topics, and the numbered passages from the knowledge base.

use crate::assistant::AssistantProfile;
use crate::element::Element;

/// The shared framework (seed 002's layer 1, in our words): the same for every workspace.
pub const FRAMEWORK: &str = "You are a reflective assistant built on the Spiralogic framework. \
People speak from one of five elements: fire (vision, drive, change), water (feelings, \
relationships), earth (the body, routines, practical steps), air (thinking, learning, \
communication) and aether (meaning, purpose, integration). A conversation moves through three \
phases: 1, opening (the person names what is going on), 2, deepening (they look at it from the \
inside) and 3, integrating (they draw a conclusion or choose a step). Meet the person in their \
element and phase.";

/// A passage given to the provider, numbered from 1.
#[derive(Debug, Clone)]
pub struct PromptPassage<'a> {
    pub n: usize,
    pub title: &'a str,
    pub text: &'a str,
}

/// What the prompt is built from.
#[derive(Debug, Clone)]
pub struct PromptInput<'a> {
    pub workspace: &'a str,
    pub profile: &'a AssistantProfile,
    pub element: Element,
    pub phase: u8,
    pub passages: &'a [PromptPassage<'a>],
}

/// The system message: framework, voice, personality, element and phase guidance, prohibited
/// topics, the rules on sources, and the passages.
pub fn system(p: &PromptInput<'_>) -> String {
    let v = &p.profile.brand_voice;
    let m = &p.profile.maia_personality;
    let sig = &p.profile.elemental_signature;
    let mut s = format!(
        "{FRAMEWORK}\n\nYou speak for {}. Tone: {}.",
        p.workspace, v.tone
    );
    if !v.language.is_empty() {
        s.push_str(&format!(" Language: {}.", v.language));
    }
    if !v.values.is_empty() {
        s.push_str(&format!(" Values: {}.", v.values.join(", ")));
    }
    s.push_str(&format!(
        " The workspace's own element is {}{}.",
        sig.primary.as_str(),
        sig.secondary
            .map(|e| format!(", then {}", e.as_str()))
            .unwrap_or_default()
    ));
    if !m.response_style.is_empty() {
        s.push_str(&format!("\nResponse style: {}", m.response_style));
    }
    if !m.specialty_areas.is_empty() {
        s.push_str(&format!(
            "\nSpecialty areas: {}.",
            m.specialty_areas.join(", ")
        ));
    }
    s.push_str(&format!(
        "\n\nThe person speaks from {} ({}), in phase {}.",
        p.element.as_str(),
        p.element.meaning(),
        p.phase
    ));
    if let Some(g) = m.phase_guidance.for_element(p.element) {
        s.push_str(&format!(" Guidance for {}: {g}", p.element.as_str()));
    }
    if !m.prohibited_topics.is_empty() {
        s.push_str(&format!(
            "\nNever give {}; decline politely and suggest a qualified professional.",
            m.prohibited_topics.join(", ")
        ));
    }
    s.push_str(
        "\n\nAnswer only from the passages below and cite each claim with its passage number in \
         square brackets, like [1]. If the passages do not cover the question, say that the \
         knowledge base has nothing on it; do not guess.\n\nPassages:",
    );
    if p.passages.is_empty() {
        s.push_str("\n(none)");
    }
    for x in p.passages {
        s.push_str(&format!("\n[{}] {}: {}", x.n, x.title, x.text));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::ProfileInput;

    #[test]
    fn the_prompt_holds_voice_guidance_topics_and_numbered_passages() {
        let profile: ProfileInput = serde_json::from_value(serde_json::json!({
            "brandVoice": {"tone": "professional, precise", "values": ["integrity"]},
            "elementalSignature": {"primary": "air", "secondary": "earth"},
            "maiaPersonality": {"prohibitedTopics": ["medical advice"], "phaseGuidance": {"earth": "Give clear steps"}}
        }))
        .unwrap();
        let profile = profile.validate().unwrap();
        let passages = [PromptPassage {
            n: 1,
            title: "Wills",
            text: "A will names heirs.",
        }];
        let s = system(&PromptInput {
            workspace: "Acme Law",
            profile: &profile,
            element: Element::Earth,
            phase: 2,
            passages: &passages,
        });
        for part in [
            "Spiralogic",
            "You speak for Acme Law. Tone: professional, precise.",
            "Values: integrity.",
            "air, then earth",
            "in phase 2",
            "Guidance for earth: Give clear steps",
            "Never give medical advice",
            "[1] Wills: A will names heirs.",
        ] {
            assert!(s.contains(part), "{part} missing from {s}");
        }
    }
}
