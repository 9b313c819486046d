//! What a valid id is: one rule, used by the loader for the ids a data file defines and by the
//! API for the ids a request names, so an id the API accepts is one the data could define.

/// The longest id: longer ones are malformed, not merely unknown.
pub const MAX_ID_LENGTH: usize = 128;

/// Why `id` is not a valid id, or `None` when it is one: a slug of lowercase ASCII letters and
/// digits in words joined by single hyphens ("ibrahim-kalin"), of at most [`MAX_ID_LENGTH`]
/// bytes.
pub fn id_problem(id: &str) -> Option<IdProblem> {
    if id.is_empty() {
        return Some(IdProblem::Empty);
    }
    if id.len() > MAX_ID_LENGTH {
        return Some(IdProblem::TooLong);
    }
    let slug = id
        .split('-')
        .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    (!slug).then_some(IdProblem::NotASlug)
}

/// What is wrong with an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdProblem {
    Empty,
    TooLong,
    NotASlug,
}

impl IdProblem {
    /// Says what a valid id is, for messages.
    pub fn rule(self) -> String {
        match self {
            IdProblem::Empty => "an id must not be empty".to_owned(),
            IdProblem::TooLong => format!("an id has at most {MAX_ID_LENGTH} bytes"),
            IdProblem::NotASlug => {
                "an id is a slug: lowercase letters and digits in words joined by single hyphens, e.g. \"ibrahim-kalin\""
                    .to_owned()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_slugs_of_bounded_length() {
        assert_eq!(id_problem("ibrahim-kalin"), None);
        assert_eq!(id_problem("g20"), None);
        assert_eq!(id_problem(""), Some(IdProblem::Empty));
        assert_eq!(id_problem("-turkiye"), Some(IdProblem::NotASlug));
        assert_eq!(id_problem("turkiye--x"), Some(IdProblem::NotASlug));
        assert_eq!(id_problem("Turkey"), Some(IdProblem::NotASlug));
        assert_eq!(id_problem(&"a".repeat(129)), Some(IdProblem::TooLong));
        assert_eq!(id_problem(&"a".repeat(128)), None);
    }
}
