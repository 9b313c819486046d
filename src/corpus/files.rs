//! Documents from text files, for `actorgraph ingest`: one file is one document, its id the
//! slug of the file name, its title the first line that is not blank.

use std::path::{Path, PathBuf};

use super::NewDocument;
use crate::model::{id_problem, read_regular_file, MAX_ID_LENGTH};

/// The slug of a file name: accents transliterated, letters and digits kept in lowercase,
/// every other run of characters one hyphen ("Reuters 7 Déc.txt" → "reuters-7-dec").
pub fn slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in deunicode::deunicode(name).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug.truncate(MAX_ID_LENGTH);
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// The documents of `paths` (files, or folders whose `*.txt` files are read in name order),
/// and a sentence for each file that could not be read: not a regular file, over
/// `max_text_bytes`, not UTF-8, or an id another file already gave.
pub fn read_files(paths: &[PathBuf], published_date: &str, max_text_bytes: u64) -> (Vec<NewDocument>, Vec<String>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if path.is_dir() {
            match std::fs::read_dir(path) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(Result::ok)
                        .map(|entry| entry.path())
                        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
                        .collect();
                    found.sort();
                    files.extend(found);
                }
                Err(error) => problems.push(format!("{}: cannot list the folder: {error}", path.display())),
            }
        } else {
            files.push(path.clone());
        }
    }
    let mut documents: Vec<NewDocument> = Vec::new();
    let mut first_of: std::collections::HashMap<String, PathBuf> = std::collections::HashMap::new();
    for file in files {
        match read_file(&file, published_date, max_text_bytes) {
            Ok(document) => match first_of.get(&document.id) {
                Some(first) => problems.push(format!(
                    "{}: its id {:?} is also the id of {}: rename one of them",
                    file.display(),
                    document.id,
                    first.display()
                )),
                None => {
                    first_of.insert(document.id.clone(), file);
                    documents.push(document);
                }
            },
            Err(problem) => problems.push(format!("{}: {problem}", file.display())),
        }
    }
    (documents, problems)
}

fn read_file(file: &Path, published_date: &str, max_text_bytes: u64) -> Result<NewDocument, String> {
    let stem = file.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
    let id = slug(&stem);
    if let Some(problem) = id_problem(&id) {
        return Err(format!("the file name gives no document id ({})", problem.rule()));
    }
    let text = read_regular_file(file, max_text_bytes, "--max-text-bytes")?;
    let title = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("")
        .chars()
        .take(300)
        .collect();
    Ok(NewDocument {
        id,
        text,
        title,
        url: String::new(),
        publisher: String::new(),
        published_date: published_date.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_becomes_a_slug_id() {
        assert_eq!(slug("Reuters 7 Déc"), "reuters-7-dec");
        assert_eq!(slug("--a__b--"), "a-b");
        assert_eq!(slug("Türkiye–Libya"), "turkiye-libya");
        assert_eq!(slug("???"), "");
    }
}
