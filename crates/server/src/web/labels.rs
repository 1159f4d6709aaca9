//! Field errors in words a person reads beside the form: the API names fields by their JSON
//! names (`lifeAreaId is required`); the pages name them by their labels ("Life area is
//! required.").

use super::view::words;

/// The label the forms show for the API's field `field` (its part before `[` or `.`); fields
/// without one get their name in words (`startYear` → `Start year`).
pub fn label(field: &str) -> String {
    let key = field.split(['[', '.']).next().unwrap_or(field);
    let known = match key {
        "lifeAreaId" | "lifeArea" | "area" => "Life area",
        "lifeAreaIds" => "Life areas",
        "occurredAt" => "When",
        "emotionalCharge" => "Emotional charge",
        "charge" => "How it felt",
        "text" => "What happened",
        "reason" => "Why it matters",
        "measurable" => "How you will know",
        "email" => "E-mail",
        "timezone" => "Time zone",
        "eraId" => "Era",
        "eventIds" | "relatedEvents" => "Events",
        "eventId" => "Event",
        "type" => "Type",
        _ => "",
    };
    if known.is_empty() {
        let mut spaced = String::new();
        for c in key.chars() {
            if c.is_uppercase() {
                spaced.push(' ');
            }
            spaced.push(c);
        }
        words(&spaced.replace(' ', "_"))
    } else {
        known.to_owned()
    }
}

/// `message` (the API's, which names `field` by its JSON name) with the field named by its
/// label, as a sentence: `statement is required` → `Statement is required.`
pub fn humane(field: &str, code: &str, message: &str) -> String {
    let label = label(field);
    let said = match code {
        "unknown_life_area" => format!("{label}: choose one from the list"),
        "invalid" if message.starts_with("choose") => format!("{label}: {message}"),
        _ => match message.strip_prefix(field) {
            Some(rest) if rest.starts_with(' ') => format!("{label}{rest}"),
            _ if message.starts_with(&label) => message.to_owned(),
            _ => format!("{label}: {message}"),
        },
    };
    if said.ends_with(['.', '?', '!']) {
        said
    } else {
        format!("{said}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_field_by_its_label() {
        assert_eq!(
            humane("statement", "required", "statement is required"),
            "Statement is required."
        );
        assert_eq!(
            humane(
                "lifeAreaId",
                "unknown_life_area",
                "lifeAreaId names no life area"
            ),
            "Life area: choose one from the list."
        );
        assert_eq!(
            humane(
                "emotionalCharge",
                "out_of_range",
                "emotionalCharge must be an integer from -5 to 5"
            ),
            "Emotional charge must be an integer from -5 to 5."
        );
        assert_eq!(
            humane("occurredAt", "invalid", "When: enter a date and time."),
            "When: enter a date and time."
        );
        assert_eq!(
            humane(
                "tags[2]",
                "too_long",
                "tags[2] must have at most 50 characters"
            ),
            "Tags must have at most 50 characters."
        );
        assert_eq!(label("startYear"), "Start year");
        assert_eq!(label("workspaceName"), "Workspace name");
    }
}
