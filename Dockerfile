# Caravan server image: a static-ish release binary on Debian slim.
FROM rust:1-bookworm AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends pkg-config libssl-dev && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cargo build --release --locked --bin caravan

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libssl3 && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/caravan --create-home caravan
COPY --from=build /src/target/release/caravan /usr/local/bin/caravan
COPY courses /usr/share/caravan/courses
USER caravan
WORKDIR /var/lib/caravan
ENV CARAVAN_BIND=0.0.0.0:8080 \
    CARAVAN_COURSES_DIR=/usr/share/caravan/courses \
    CARAVAN_MAIL_DIR=/var/lib/caravan/mail
EXPOSE 8080
# Healthy when /readyz answers 200. The slim image has no curl; bash's /dev/tcp speaks the HTTP
# (dash, /bin/sh here, has no /dev/tcp at all).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["caravan"]
CMD ["serve"]
