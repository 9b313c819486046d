//! The pure checks of the loader: functions of a value alone, with no loader state (dates,
//! periods, locating a quote, finding a name in a quote).

use crate::text::{fold_for_compare, FoldedText};

/// A free-text value, `None` when absent or blank.
pub(super) fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// Whether `text` contains one of the folded `names` as whole words (case and accents aside).
pub(super) fn names_any(text: &str, names: &[String]) -> bool {
    let folded = fold_for_compare(text);
    names.iter().filter(|name| !name.is_empty()).any(|name| {
        folded.match_indices(name.as_str()).any(|(start, found)| {
            let before = folded[..start].chars().next_back();
            let after = folded[start + found.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    })
}

/// Finds a quote in a text: exactly, or else ignoring accents and typographic punctuation.
pub(super) fn locate_quote(text: &str, quote: &str) -> Option<(usize, usize)> {
    let quote = quote.trim();
    if quote.is_empty() {
        return None;
    }
    if let Some(start) = text.find(quote) {
        return Some((start, start + quote.len()));
    }
    let folded_text = FoldedText::new(text);
    let folded_quote = FoldedText::new(quote);
    let start = folded_text.folded.find(folded_quote.folded.as_ref())?;
    let end = start + folded_quote.folded.len();
    Some((folded_text.original_offset(start)?, folded_text.original_offset(end)?))
}

/// Checks an ISO 8601 calendar date of the forms YYYY, YYYY-MM or YYYY-MM-DD.
pub(super) fn check_date(date: &str) -> Result<(), String> {
    let parts: Vec<&str> = date.split('-').collect();
    let number = |part: &str, digits: usize| -> Result<u32, String> {
        if part.len() != digits || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err("expected YYYY, YYYY-MM or YYYY-MM-DD".into());
        }
        part.parse::<u32>().map_err(|e| e.to_string())
    };
    if parts.is_empty() || parts.len() > 3 {
        return Err("expected YYYY, YYYY-MM or YYYY-MM-DD".into());
    }
    let year = number(parts[0], 4)?;
    if let Some(month) = parts.get(1) {
        let month = number(month, 2)?;
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} is not 1 to 12"));
        }
        if let Some(day) = parts.get(2) {
            let day = number(day, 2)?;
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            let days = match month {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            if day == 0 || day > days {
                return Err(format!("day {day} does not exist in month {month}"));
            }
        }
    }
    Ok(())
}

/// Checks a period: a date, or a range "START–END" (en dash, hyphen-free `/` or `..` also
/// accepted) where either end may be open, and the start is not after the end.
pub(super) fn check_period(period: &str) -> Result<(), String> {
    let separators = ['–', '/'];
    let (start, end) = if let Some((start, end)) = period.split_once(separators) {
        (start.trim(), Some(end.trim()))
    } else if let Some((start, end)) = period.split_once("..") {
        (start.trim(), Some(end.trim()))
    } else {
        (period.trim(), None)
    };
    if start.is_empty() && end.is_none_or(str::is_empty) {
        return Err("a period needs at least one date".into());
    }
    if !start.is_empty() {
        check_date(start)?;
    }
    if let Some(end) = end.filter(|e| !e.is_empty()) {
        check_date(end)?;
        if !start.is_empty() && start > end {
            return Err(format!("it starts ({start}) after it ends ({end})"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_for_form_and_calendar() {
        assert!(check_date("2019").is_ok());
        assert!(check_date("2019-11-27").is_ok());
        assert!(check_date("2020-02-29").is_ok());
        assert!(check_date("2019-02-29").is_err());
        assert!(check_date("2019-13").is_err());
        assert!(check_date("19-11-27").is_err());
    }

    #[test]
    fn periods_accept_open_ranges_and_reject_reversed_ones() {
        assert!(check_period("2019–2020").is_ok());
        assert!(check_period("2021–").is_ok());
        assert!(check_period("2011").is_ok());
        assert!(check_period("2021–2019").is_err());
        assert!(check_period("–").is_err());
    }

    #[test]
    fn quotes_are_found_despite_typographic_apostrophes() {
        let text = "Turkiye’s role grows.";
        let (start, end) = locate_quote(text, "Turkiye's role").unwrap();
        assert_eq!(&text[start..end], "Turkiye’s role");
    }
}
