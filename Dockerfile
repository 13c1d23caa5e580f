# A container image of Archway (every role: serve, control-plane, gateway) built from Debian 12
# packages. Build: docker build -t archway .   Run: see docs/deployment.md ("Containers").

# The web portals need Node 20 (Debian 12 ships 18): built in the official Node image on Debian 12.
FROM node:20-bookworm AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/ ./
RUN npm run build

# The server, from Debian's compilers and libraries only (the build half of packages.txt).
FROM debian:12 AS build
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      build-essential cmake pkg-config libboost1.81-all-dev libboost-json1.81-dev libboost-url1.81-dev \
      libssl-dev libsqlite3-dev libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev libsodium-dev \
      libhiredis-dev libpugixml-dev libyaml-cpp-dev libzip-dev libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt CMakePresets.json ./
COPY cmake/ cmake/
COPY src/ src/
COPY bench/ bench/
COPY --from=web /src/web/dist web/dist
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
    && cmake --build build -j "$(nproc)" --target archway \
    && strip --strip-debug build/archway

# The runtime: the shared libraries the binary links, CA certificates, nothing else.
FROM debian:12-slim
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      ca-certificates libboost-json1.81.0 libboost-url1.81.0 libssl3 libsqlite3-0 libspdlog1.10 libfmt9 \
      libtomlplusplus3 libsodium23 libhiredis0.14 libpugixml1v5 libyaml-cpp0.7 libzip4 libpq5 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /var/lib/archway --create-home archway
COPY --from=build /src/build/archway /usr/local/bin/archway
COPY archway.toml.example /etc/archway/archway.toml.example
USER archway
WORKDIR /var/lib/archway
VOLUME /var/lib/archway
# management HTTP/HTTPS, gateway HTTP/HTTPS
EXPOSE 9763 9443 8280 8243
ENTRYPOINT ["/usr/local/bin/archway"]
CMD ["serve", "--data-dir", "/var/lib/archway", "--set", "management.host=0.0.0.0", "--set", "gateway.host=0.0.0.0"]
