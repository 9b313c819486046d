//! Careless operators and the real binary: start-up refusals that say what to fix, host names
//! to listen on, plain logs when stderr is not a terminal, the health command, TLS files named.

#![cfg(unix)]

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use actorgraph::config::ServerConfig;
use common::{shipped_data, TestServer};

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_actorgraph"));
    for (name, _) in std::env::vars() {
        if name.starts_with("ACTORGRAPH_") {
            command.env_remove(name);
        }
    }
    command
}

/// Kills the server if a test fails half-way.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serving_from_another_folder_says_what_was_looked_for_and_how_to_set_it() {
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let output = binary()
        .args(["--listen", "127.0.0.1:0"])
        .current_dir(elsewhere.path())
        .output()
        .expect("run the binary");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let looked_for = elsewhere.path().join("data");
    assert!(stderr.contains(&looked_for.display().to_string()), "{stderr}");
    assert_eq!(
        stderr.matches("no data file or folder here").count(),
        1,
        "the error is printed once: {stderr}"
    );
    assert!(
        stderr.contains("--data") && stderr.contains("ACTORGRAPH_DATA"),
        "{stderr}"
    );
}

#[test]
fn nonsensical_limits_are_refused_at_start_with_the_reason() {
    for flag in [
        "--max-concurrent-streams",
        "--max-concurrent-calls",
        "--request-timeout-ms",
        "--max-text-bytes",
        "--max-data-file-bytes",
    ] {
        let output = binary().args([flag, "0"]).output().expect("run the binary");
        assert!(!output.status.success(), "{flag} 0 is refused");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("at least 1"), "{flag}: {stderr}");
    }
}

#[test]
fn a_host_name_is_listened_on_logs_are_plain_and_the_health_command_answers() {
    let child = binary()
        .args([
            "--listen",
            "localhost:0",
            "--watch",
            "false",
            "--store",
            "off",
            "--data",
        ])
        .arg(shipped_data())
        .env("RUST_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the server");
    let mut server = Server(child);
    let stderr = server.0.stderr.take().expect("stderr");
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut log = Vec::new();
    let address = loop {
        let line = received
            .recv_timeout(Duration::from_secs(20))
            .expect("the server logs that it serves");
        log.push(line.clone());
        if line.contains("serving actorgraph.v1") {
            let address = line
                .split_whitespace()
                .find_map(|field| field.strip_prefix("address="))
                .expect("the address in the log line")
                .to_owned();
            break address;
        }
    };
    let health = binary()
        .args(["health", "--address", &address])
        .output()
        .expect("run the health command");
    assert!(health.status.success(), "{}", String::from_utf8_lossy(&health.stderr));
    assert_eq!(String::from_utf8_lossy(&health.stdout).trim(), "SERVING");
    // The health call is logged when it finishes; then stop the server and read the rest.
    let finished = loop {
        let line = received
            .recv_timeout(Duration::from_secs(20))
            .expect("the call is logged");
        log.push(line.clone());
        if line.contains("call finished") {
            break line;
        }
    };
    let _ = Command::new("kill").arg(server.0.id().to_string()).status();
    let _ = server.0.wait();
    log.extend(received.try_iter());
    let all = log.join("\n");
    assert!(
        !all.contains('\u{1b}'),
        "no colour codes when stderr is not a terminal:\n{all}"
    );
    let latency = finished
        .split_whitespace()
        .find_map(|field| field.strip_prefix("latency_ms="))
        .expect("a latency");
    let decimals = latency.split('.').nth(1).map_or(0, str::len);
    assert!(decimals <= 3, "latency printed as {latency}");
    // Nothing listens any more: the health command says so and fails.
    let after = binary()
        .args(["health", "--address", &address, "--timeout-ms", "500"])
        .output()
        .expect("run the health command");
    assert!(!after.status.success());
}

/// A self-signed certificate for localhost and its key, as PEM.
fn certificate() -> (String, String) {
    let key = rcgen::KeyPair::generate().expect("a key");
    let params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    let certificate = params.self_signed(&key).expect("a certificate");
    (certificate.pem(), key.serialize_pem())
}

async fn start_error(config: ServerConfig) -> String {
    let server = TestServer::start_with(config).await;
    match server.handle.await.expect("the server task") {
        Ok(()) => panic!("the server started"),
        Err(error) => format!("{error:#}"),
    }
}

#[tokio::test]
async fn a_key_of_another_certificate_is_named_with_both_files() {
    let folder = tempfile::tempdir().expect("temp dir");
    let (cert, _) = certificate();
    let (_, other_key) = certificate();
    std::fs::write(folder.path().join("server.pem"), cert).expect("write");
    std::fs::write(folder.path().join("other.key"), other_key).expect("write");
    let mut config = ServerConfig::with_data(shipped_data());
    config.tls_cert = Some(folder.path().join("server.pem"));
    config.tls_key = Some(folder.path().join("other.key"));
    let error = start_error(config).await;
    assert!(error.contains("other.key") && error.contains("server.pem"), "{error}");
    assert!(error.contains("does not belong"), "{error}");
}

#[tokio::test]
async fn a_file_that_is_no_certificate_is_named() {
    let folder = tempfile::tempdir().expect("temp dir");
    let (_, key) = certificate();
    std::fs::write(folder.path().join("key-as-cert.pem"), &key).expect("write");
    std::fs::write(folder.path().join("server.key"), &key).expect("write");
    let mut config = ServerConfig::with_data(shipped_data());
    config.tls_cert = Some(folder.path().join("key-as-cert.pem"));
    config.tls_key = Some(folder.path().join("server.key"));
    let error = start_error(config).await;
    assert!(
        error.contains("key-as-cert.pem") && error.contains("holds no certificate"),
        "{error}"
    );
    // A client CA file that holds no certificate is named too.
    let (cert, key) = certificate();
    std::fs::write(folder.path().join("server.pem"), cert).expect("write");
    std::fs::write(folder.path().join("server.key"), key).expect("write");
    std::fs::write(folder.path().join("ca.pem"), "not a certificate\n").expect("write");
    let mut config = ServerConfig::with_data(shipped_data());
    config.tls_cert = Some(folder.path().join("server.pem"));
    config.tls_key = Some(folder.path().join("server.key"));
    config.tls_client_ca = Some(folder.path().join("ca.pem"));
    let error = start_error(config).await;
    assert!(
        error.contains("ca.pem") && error.contains("holds no certificate"),
        "{error}"
    );
}

#[test]
fn a_metrics_address_in_use_is_named_with_its_flag() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a port to hold");
    let address = taken.local_addr().expect("its address").to_string();
    let output = binary()
        .args([
            "--listen",
            "127.0.0.1:0",
            "--watch",
            "false",
            "--store",
            "off",
            "--metrics-listen",
            &address,
            "--data",
        ])
        .arg(shipped_data())
        .output()
        .expect("run the binary");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Before the fix: only "Address already in use (os error 98)".
    assert!(
        stderr.contains(&format!("cannot listen for metrics on {address} (--metrics-listen)")),
        "{stderr}"
    );
}

#[test]
fn the_events_command_takes_the_roots_the_api_takes() {
    let data = format!("{},{}", common::shipped_layers()[0].display(), shipped_data().display());
    let run = |root: &str| {
        let mut child = binary()
            .args(["events", "--data", &data, "--roots", root])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run the binary");
        if let Some(mut stdin) = child.stdin.take() {
            std::io::Write::write_all(&mut stdin, b"Egypt condemned Turkey.").expect("write the text");
        }
        child.wait_with_output().expect("the command ends")
    };
    for bad in ["00", "21", "4", "ab"] {
        let output = run(bad);
        assert!(!output.status.success(), "--roots {bad} is refused");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("01 to 20"),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let output = run("11");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("\"111\""),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}
