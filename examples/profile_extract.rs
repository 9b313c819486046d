//! Extracts a text file repeatedly with the shipped layers (`data/world` under `data`), for
//! profilers: `cargo run --release --example profile_extract -- FILE [ROUNDS] [events]`; with
//! `events`, extracts its events (which include its mentions) instead of its mentions.

use actorgraph::extract::ExtractOptions;
use actorgraph::snapshot::Snapshot;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let file = args.next().ok_or("usage: profile_extract FILE [ROUNDS]")?;
    let rounds: usize = args.next().map_or(Ok(20), |r| r.parse())?;
    let events = args.next().as_deref() == Some("events");
    let text = std::fs::read_to_string(file)?;
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let snapshot = Snapshot::load_layers(&[data.join("world"), data])?;
    let started = std::time::Instant::now();
    let mut mentions = 0;
    for _ in 0..rounds {
        mentions += if events {
            let options = actorgraph::events::EventOptions::default();
            actorgraph::events::extract_events(&snapshot.model, &snapshot.extractor, &text, &options, &|| false)
                .map_or(0, |found| found.events.len())
        } else {
            snapshot
                .extractor
                .extract(&text, &ExtractOptions::default())
                .mentions
                .len()
        };
    }
    let seconds = started.elapsed().as_secs_f64();
    let megabytes = (text.len() * rounds) as f64 / (1024.0 * 1024.0);
    let found = if events { "events" } else { "mentions" };
    println!("{mentions} {found}, {:.1} MiB/s", megabytes / seconds);
    Ok(())
}
