//! Pure domain of WisdomOS: types, enums and validation rules.
//!
//! Nothing here does I/O, talks to a database or is async: every rule can be unit-tested
//! without PostgreSQL. The `db` crate stores these types; the `server` crate parses requests
//! into them.

pub mod account;
pub mod area_examples;
pub mod assessment;
pub mod assistant;
pub mod chunk;
pub mod classify;
pub mod classify_semantic;
pub mod community;
pub mod console_import;
pub mod cut_vertex;
pub mod element;
pub mod element_detect;
pub mod event;
pub mod extractive;
pub mod import;
pub mod intervention;
pub mod jobs;
pub mod life_area;
pub mod metrics;
pub mod participant;
pub mod pattern_description;
pub mod patterns;
pub mod patterns_meaning;
pub mod phase;
pub mod plan;
pub mod prohibited;
pub mod prompt;
pub mod recommend;
pub mod role;
pub mod schedule;
pub mod score;
pub mod segments;
pub mod tenant;
pub mod text;
pub mod validation;
pub mod widgets;

pub use validation::{FieldError, ValidationErrors};
