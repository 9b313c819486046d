# syntax=docker/dockerfile:1
# Multi-stage build of the actorgraph server: the same `cargo build --release --locked` as CI,
# a slim runtime image, a non-root user, listening on all interfaces.

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs rustfmt.toml ./
COPY proto ./proto
COPY src ./src
COPY benches ./benches
RUN cargo build --release --locked --bin actorgraph

FROM debian:bookworm-slim AS runtime
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin actorgraph
WORKDIR /app
COPY --from=build /src/target/release/actorgraph /usr/local/bin/actorgraph
COPY data ./data
ENV ACTORGRAPH_LISTEN=0.0.0.0:50051 \
    ACTORGRAPH_DATA=/app/data \
    ACTORGRAPH_LOG_FORMAT=json
USER 10001
EXPOSE 50051
ENTRYPOINT ["/usr/local/bin/actorgraph"]
