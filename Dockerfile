# Image with two static binaries: /mockserver (the default entrypoint) and
# /contract (the contract suite, used by the contract service of
# docker-compose.yml).
#
#   docker build -t usermock .
#   docker run --rm -p 127.0.0.1:4010:4010 usermock

# Build stage: golang 1.26 on Debian bookworm. go.mod asks for Go 1.26.8;
# the 1.26 tag is the newest 1.26 patch release.
FROM golang:1.26-bookworm AS build
WORKDIR /src

# Download modules in their own layer, so a source change reuses it.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
# Static binaries without cgo, and without local paths in the binary.
ENV CGO_ENABLED=0
RUN go build -trimpath -ldflags="-s -w" -o /out/mockserver ./cmd/mockserver \
 && go build -trimpath -ldflags="-s -w" -o /out/contract ./cmd/contract

# Final stage: distroless static, with no shell and no package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/mockserver /out/contract /
# nonroot is uid 65532 in distroless images.
USER nonroot:nonroot
EXPOSE 4010
# The image has no curl: the binary requests its own health endpoint.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/mockserver", "-healthcheck", "-addr", "0.0.0.0:4010"]
ENTRYPOINT ["/mockserver"]
# Listen on every interface of the container, so a published port reaches it.
CMD ["-addr", "0.0.0.0:4010", "-log-format", "json"]
