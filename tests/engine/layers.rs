//! Layered models: the world layer under the article's model, and what a later layer may do to
//! an earlier layer's entity.

use std::path::{Path, PathBuf};

use actorgraph::model::{load_layers, EntityType};

fn write(folder: &Path, name: &str, text: &str) -> PathBuf {
    let path = folder.join(name);
    std::fs::write(&path, text).expect("write a layer");
    path
}

const BASE: &str = r#"
[[entities]]
id = "turkiye"
name = "Turkey"
type = "country"
aliases = ["Republic of Turkey"]
demonyms = ["Turkish"]
iso3166_alpha2 = "TR"
iso3166_numeric = "792"
region = "Asia"

[[entities]]
id = "ankara"
name = "Ankara"
type = "city"
country = "turkiye"
population = 3517182
stands_for = "turkiye"
"#;

#[test]
fn a_later_layer_extends_an_entity_instead_of_duplicating_it() {
    let folder = tempfile::tempdir().expect("temp dir");
    let base = write(folder.path(), "base.toml", BASE);
    let top = write(
        folder.path(),
        "top.toml",
        r#"
[[entities]]
id = "turkiye"
name = "Türkiye"
type = "country"
aliases = ["Turkiye"]
demonyms = ["Turks", "Turkish"]
description = "A transcontinental state."
"#,
    );
    let model = load_layers(&[base, top]).expect("the layers load");
    assert_eq!(model.entities.len(), 2, "one Türkiye, not two");
    let turkiye = model.entity("turkiye").expect("turkiye");
    assert_eq!(turkiye.name, "Türkiye", "the later name wins");
    for alias in ["Turkey", "Republic of Turkey", "Turkiye"] {
        assert!(
            turkiye.aliases.iter().any(|a| a == alias),
            "{alias} in {:?}",
            turkiye.aliases
        );
    }
    assert_eq!(turkiye.demonyms, vec!["Turkish", "Turks"]);
    assert_eq!(turkiye.description, "A transcontinental state.");
    assert_eq!(turkiye.iso3166_alpha2.as_deref(), Some("TR"), "earlier facts stay");
    assert_eq!(turkiye.iso3166_numeric.as_deref(), Some("792"));
    let ankara = model.entity("ankara").expect("ankara");
    assert_eq!(ankara.country, Some(model.entity_index("turkiye").expect("turkiye")));
    assert_eq!(ankara.population, Some(3_517_182));
}

#[test]
fn a_later_layer_may_not_change_a_type_and_a_layer_may_not_repeat_an_id() {
    let folder = tempfile::tempdir().expect("temp dir");
    let base = write(folder.path(), "base.toml", BASE);
    let top = write(
        folder.path(),
        "top.toml",
        "[[entities]]\nid = \"ankara\"\nname = \"Ankara\"\ntype = \"person\"\n\n[[entities]]\nid = \"x\"\nname = \"X\"\ntype = \"person\"\n\n[[entities]]\nid = \"x\"\nname = \"Y\"\ntype = \"person\"\n",
    );
    let error = load_layers(&[base, top.clone()]).expect_err("refused");
    let problems: Vec<String> = error.problems.iter().map(ToString::to_string).collect();
    let at = |line: usize, text: &str| {
        let location = format!("{}:{line}: ", top.display());
        problems.iter().any(|p| p.starts_with(&location) && p.contains(text))
    };
    assert!(at(1, "not change its type"), "{problems:?}");
    assert!(at(12, "duplicate entity id \"x\""), "{problems:?}");
}

#[test]
fn a_country_reference_must_name_an_entity() {
    let folder = tempfile::tempdir().expect("temp dir");
    let base = write(
        folder.path(),
        "base.toml",
        "[[entities]]\nid = \"sirte\"\nname = \"Sirte\"\ntype = \"city\"\ncountry = \"libya\"\niso3166_alpha2 = \"ly\"\n",
    );
    let error = load_layers(&[base]).expect_err("refused");
    let text = error.to_string();
    assert!(text.contains("country names unknown entity \"libya\""), "{text}");
    assert!(text.contains("iso3166_alpha2 \"ly\" is not a valid code"), "{text}");
}

#[test]
fn the_shipped_model_is_the_world_layer_under_the_article() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let layers: Vec<PathBuf> = actorgraph::config::DEFAULT_DATA.iter().map(|p| root.join(p)).collect();
    let model = load_layers(&layers).expect("the shipped layers load");
    assert!(model.entities.len() > 6000, "{} entities", model.entities.len());
    let tripoli = model.entity("tripoli").expect("tripoli");
    assert_eq!(tripoli.entity_type, EntityType::City);
    assert_eq!(
        tripoli.country,
        Some(model.entity_index("libya").expect("libya")),
        "from the world layer"
    );
    assert_eq!(
        tripoli.stands_for,
        Some(
            model
                .entity_index("government-of-national-unity")
                .expect("government-of-national-unity")
        ),
        "the article's layer decides what Tripoli stands for"
    );
    let turkiye = model.entity("turkiye").expect("turkiye");
    assert_eq!(turkiye.iso3166_alpha2.as_deref(), Some("TR"));
    assert!(
        turkiye.roles.iter().any(|r| r == "regional power"),
        "the article's roles are added"
    );
    assert!(model.entity("germany").is_some());
}

#[test]
fn a_later_layer_s_reference_problem_is_reported_in_its_own_file() {
    let folder = tempfile::tempdir().expect("temp dir");
    let base = write(folder.path(), "base.toml", BASE);
    let top = write(
        folder.path(),
        "top.toml",
        "\n\n[[entities]]\nid = \"ankara\"\nname = \"Ankara\"\ntype = \"city\"\nstands_for = \"turkey-typo\"\n",
    );
    let error = load_layers(&[base, top.clone()]).expect_err("refused");
    let location = format!("{}:7: ", top.display());
    assert!(
        error.problems.iter().any(|p| p.to_string().starts_with(&location)),
        "{error}"
    );
}
