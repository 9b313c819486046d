# Multi-stage build of the actorgraph server: the same `cargo build --release --locked` as CI,
# a slim runtime image, a non-root user, listening on all interfaces.
#
# No Docker engine runs where this project is developed, so this file is kept correct by
# construction (hadolint in CI, the same build command as CI, paths checked by review) rather
# than by building it there.

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
# Dependencies first, in their own layer: a change to the sources rebuilds only the crate.
# Placeholder targets stand in for the sources so that cargo can resolve the manifest.
COPY Cargo.toml Cargo.lock build.rs rustfmt.toml ./
COPY proto ./proto
RUN mkdir -p src benches \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs \
    && echo 'fn main() {}' > benches/extraction.rs \
    && cargo build --release --locked --bin actorgraph \
    && rm -rf src benches
COPY src ./src
COPY benches ./benches
# COPY keeps the files' old times; touching them makes cargo rebuild over the placeholders.
RUN touch src/main.rs src/lib.rs && cargo build --release --locked --bin actorgraph

FROM debian:bookworm-slim AS runtime
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin actorgraph \
    && mkdir -p /var/lib/actorgraph \
    && chown 10001 /var/lib/actorgraph
WORKDIR /app
COPY --from=build /src/target/release/actorgraph /usr/local/bin/actorgraph
COPY data ./data
# The grace period stays under Docker's default stop timeout (10 s), so calls in flight end
# before SIGKILL; raise both together (`docker run --stop-timeout`).
ENV ACTORGRAPH_LISTEN=0.0.0.0:50051 \
    ACTORGRAPH_DATA=/app/data/world,/app/data \
    ACTORGRAPH_LOG_FORMAT=json \
    ACTORGRAPH_SHUTDOWN_GRACE_SECONDS=8 \
    ACTORGRAPH_STORE=/var/lib/actorgraph/store
# The corpus store (documents ingested through CorpusService): mount a volume here to keep it.
VOLUME /var/lib/actorgraph
USER 10001
EXPOSE 50051
STOPSIGNAL SIGTERM
# The binary checks itself (grpc.health.v1 Check on ACTORGRAPH_LISTEN); no grpcurl in the image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/actorgraph", "health", "--timeout-ms", "2000"]
ENTRYPOINT ["/usr/local/bin/actorgraph"]
