//! Compiles `proto/` with the pure-Rust `protox` compiler (no system `protoc`), generates the
//! tonic clients and servers, and writes the descriptor set that server reflection serves.

use std::{env, path::PathBuf};

const PROTO_FILES: &[&str] = &[
    "actorgraph/v1/types.proto",
    "actorgraph/v1/extraction.proto",
    "actorgraph/v1/knowledge.proto",
    "actorgraph/v1/corpus.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    let file_descriptors = protox::compile(PROTO_FILES, ["proto"])?;
    let descriptor_bytes = prost::Message::encode_to_vec(&file_descriptors);
    std::fs::write(out_dir.join("actorgraph_descriptor.bin"), descriptor_bytes)?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(file_descriptors)?;
    Ok(())
}
