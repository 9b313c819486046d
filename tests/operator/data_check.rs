//! `actorgraph check`: passes on the shipped model, and fails with file:line messages on each
//! broken file under tests/data/broken/. Each broken file states what it must report in its
//! `# expect: LINE: TEXT` header lines.

use std::path::{Path, PathBuf};
use std::process::Command;

fn check(path: &Path) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_actorgraph"))
        .arg("check")
        .arg(path)
        .output()
        .expect("run actorgraph check");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn check_passes_on_the_shipped_model() {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    let (ok, stdout, stderr) = check(&data);
    assert!(ok, "the shipped model must be valid:\n{stderr}");
    assert!(stdout.contains("ok: 23 entities"), "{stdout}");
}

#[test]
fn the_shipped_model_passes_the_strict_check() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(env!("CARGO_BIN_EXE_actorgraph"))
        .args(["check", "--strict"])
        .args(actorgraph::config::DEFAULT_DATA.iter().map(|layer| root.join(layer)))
        .output()
        .expect("run actorgraph check --strict");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "every quote names an end of its relation:\n{stderr}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn a_quote_naming_neither_end_is_a_warning_and_a_strict_error() {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/warnings/quote_names_neither_end.toml");
    let (ok, _, stderr) = check(&file);
    assert!(ok, "a warning does not fail the check: {stderr}");
    let expected = format!(
        "{}:39: warning: quote \"Haftar's forces were repelled from the capital\" names neither \"tripoli\" nor \"libya\"",
        file.display()
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert_eq!(
        stderr.matches("warning:").count(),
        1,
        "the LNA's quote names it: {stderr}"
    );
    let strict = Command::new(env!("CARGO_BIN_EXE_actorgraph"))
        .args(["check", "--strict"])
        .arg(&file)
        .output()
        .expect("run actorgraph check --strict");
    assert!(!strict.status.success(), "--strict refuses warnings");
}

#[test]
fn facts_the_article_does_not_state_are_cited() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let layers: Vec<PathBuf> = actorgraph::config::DEFAULT_DATA
        .iter()
        .map(|layer| root.join(layer))
        .collect();
    let model = actorgraph::model::load_layers(&layers).expect("the shipped model");
    for id in [
        "libya.located_in.north-africa",
        "tripoli.capital_of.libya",
        "tripoli.located_in.libya",
        "muammar-gaddafi.leads.libya",
    ] {
        let relation = model
            .relations
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("{id} is in the model"));
        assert!(
            relation
                .evidence
                .iter()
                .all(|e| matches!(e, actorgraph::model::Evidence::Cited(_))),
            "{id}: the article's words near it do not state it: {:?}",
            relation.evidence
        );
    }
}

#[test]
fn check_reports_every_broken_file_with_its_line() {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/broken");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("the broken files folder")
        .map(|entry| entry.expect("an entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "one broken file per kind of error");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        let expectations: Vec<(String, String)> = text
            .lines()
            .filter_map(|line| line.strip_prefix("# expect: "))
            .map(|rest| {
                let (line, message) = rest.split_once(": ").unwrap_or((rest.trim_end_matches(':'), ""));
                (line.to_owned(), message.to_owned())
            })
            .collect();
        assert!(!expectations.is_empty(), "{} states no expectation", file.display());
        let (ok, _, stderr) = check(&file);
        assert!(!ok, "{} must fail the check", file.display());
        for (line, message) in expectations {
            let location = format!("{}:{line}: ", file.display());
            let reported = stderr.lines().any(|l| l.starts_with(&location) && l.contains(&message));
            assert!(reported, "{location}{message} not reported; got:\n{stderr}");
        }
    }
}

#[test]
fn the_documented_example_is_a_valid_model() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/data-format.md")).expect("the format doc");
    let (before_walk_through, _) = doc
        .split_once("## Add your own article")
        .expect("the walk-through section");
    let example = before_walk_through
        .rsplit("```toml\n")
        .next()
        .and_then(|rest| rest.split("```").next())
        .expect("a toml example");
    let directory = tempfile::tempdir().expect("temp dir");
    let file = directory.path().join("note.toml");
    std::fs::write(&file, example).expect("write");
    let (ok, stdout, stderr) = check(&file);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("ok: 3 entities"), "{stdout}");
}

#[test]
fn the_add_your_own_article_walk_through_checks_over_the_shipped_model() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/data-format.md")).expect("the format doc");
    let (_, walk_through) = doc
        .split_once("## Add your own article")
        .expect("the walk-through section");
    let indented = walk_through
        .split_once("   ```toml\n")
        .and_then(|(_, rest)| rest.split_once("   ```\n"))
        .map(|(block, _)| block)
        .expect("the layer's toml");
    let layer: String = indented
        .lines()
        .map(|line| line.strip_prefix("   ").unwrap_or(line))
        .map(|line| format!("{line}\n"))
        .collect();
    let directory = tempfile::tempdir().expect("temp dir");
    let folder = directory.path().join("my-layer");
    std::fs::create_dir(&folder).expect("the layer's folder");
    std::fs::write(folder.join("sahel.toml"), layer).expect("write the layer");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(env!("CARGO_BIN_EXE_actorgraph"))
        .arg("check")
        .arg(root.join("data/world"))
        .arg(root.join("data"))
        .arg(&folder)
        .output()
        .expect("run actorgraph check");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        stdout.contains("38 relations") && stdout.contains("6 agreements") && stdout.contains("2 documents"),
        "{stdout}"
    );
}

#[test]
fn extract_prints_one_json_line_per_mention() {
    let directory = tempfile::tempdir().expect("temp dir");
    let file = directory.path().join("text.txt");
    std::fs::write(&file, "Türkiye’s Kalın met Haftar; NATO watched.").expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_actorgraph"))
        .arg("extract")
        .arg(&file)
        .arg("--data")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data"))
        .output()
        .expect("run actorgraph extract");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    let found: Vec<(&str, Option<&str>, u64)> = lines
        .iter()
        .map(|l| {
            (
                l["text"].as_str().unwrap_or(""),
                l["entity"].as_str(),
                l["start"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("Türkiye", Some("turkiye"), 0),
            ("Kalın", Some("ibrahim-kalin"), 10),
            ("Haftar", Some("khalifa-haftar"), 20),
            ("NATO", None, 28),
        ]
    );
}
