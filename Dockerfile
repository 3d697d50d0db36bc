# Policy Desk in a small image: the one binary, built with the Go toolchain,
# run as a non-root user on distroless (no shell, no package manager, CA
# certificates and time zones included). compose.yaml builds it.
#   docker build -t policydesk .

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Pure Go (SQLite through modernc.org/sqlite), so a static binary.
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags='-s -w' -o /out/policydesk ./cmd/policydesk \
	&& mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/policydesk /usr/local/bin/policydesk
# The data directory: SQLite, local attachments and the embedded index when
# no database URL, S3 or Meilisearch is set; owned by the image's user.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV POLICYDESK_ADDR=0.0.0.0:8080 \
	POLICYDESK_DATA=/data
EXPOSE 8080
VOLUME ["/data"]
# The image has no curl: the binary probes itself.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
	CMD ["/usr/local/bin/policydesk", "health"]
ENTRYPOINT ["/usr/local/bin/policydesk"]
CMD ["serve"]
