//! The real binary: SIGHUP reloads the model, SIGTERM stops it gracefully.

#![cfg(unix)]

use crate::common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use actorgraph::pb::knowledge_service_client::KnowledgeServiceClient;
use common::{subject_name, write_model};
use tonic::transport::Channel;

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .expect("run kill");
    assert!(status.success());
}

/// Kills the server if a test fails half-way.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn connect(port: u16) -> KnowledgeServiceClient<Channel> {
    let endpoint = Channel::from_shared(format!("http://127.0.0.1:{port}")).expect("a valid URI");
    // The binary needs a moment to load its model and bind; try for at most 20 s.
    for _ in 0..400 {
        if let Ok(channel) = endpoint.connect().await {
            return KnowledgeServiceClient::new(channel);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not come up on port {port}");
}

#[tokio::test]
async fn sighup_reloads_and_sigterm_stops_gracefully() {
    let folder = tempfile::tempdir().expect("temp dir");
    write_model(folder.path(), "Alpha");
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        probe.local_addr().expect("address").port()
    };
    let child = Command::new(env!("CARGO_BIN_EXE_actorgraph"))
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--watch",
            "false",
            "--store",
            "off",
            "--data",
        ])
        .arg(folder.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the server");
    let mut server = Server(child);
    let mut client = connect(port).await;
    assert_eq!(subject_name(&mut client).await, "Alpha");

    write_model(folder.path(), "Delta");
    signal(&server.0, "HUP");
    let reloaded = tokio::time::timeout(Duration::from_secs(20), async {
        while subject_name(&mut client).await != "Delta" {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(reloaded.is_ok(), "SIGHUP reloaded the model");

    // Shut down with the connection still open: the server must not wait for the client to
    // leave (the client answers the server's GOAWAY from this runtime, so wait off it).
    signal(&server.0, "TERM");
    let started = std::time::Instant::now();
    let mut child = tokio::task::spawn_blocking(move || {
        let status = server.0.wait().expect("the server exits");
        (status, server)
    });
    let (status, mut server) = tokio::time::timeout(Duration::from_secs(30), &mut child)
        .await
        .expect("the server stops")
        .expect("the wait task");
    assert!(status.success(), "a clean exit on SIGTERM: {status}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "no wait for the grace period: {:?}",
        started.elapsed()
    );
    drop(client);
    let mut log = String::new();
    if let Some(mut stderr) = server.0.stderr.take() {
        use std::io::Read;
        stderr.read_to_string(&mut log).expect("read the log");
    }
    assert!(log.contains("model reloaded"), "{log}");
    assert!(log.contains("shutting down"), "{log}");
}
