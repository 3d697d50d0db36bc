package main

import (
	"bytes"
	"context"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"policydesk/storage/s3/s3test"
)

// TestComposeMinIOSetup runs compose.yaml's minio-setup script, with a real
// mc, against a real MinIO — twice, as every `docker compose up` does — and
// then a replica with the settings compose gives it: the account the
// script made can store, read and delete attachments in the bucket (so the
// policy is not too narrow for the service) and can do nothing else, such
// as make a bucket (so it is not the root account in disguise).
func TestComposeMinIOSetup(t *testing.T) {
	mc := testTool(t, "mc")
	minioSrv := s3test.StartServer(t)
	p, err := loadCompose(t, envExample)
	if err != nil {
		t.Fatal(err)
	}
	setup := p.Services["minio-setup"]
	if len(setup.Command) != 1 || !slices.Equal([]string(setup.Entrypoint), []string{"/bin/sh", "-ec"}) {
		t.Fatalf("minio-setup is not one script for sh -ec: %q %q", setup.Entrypoint, setup.Command)
	}
	script := strings.ReplaceAll(setup.Command[0], "http://minio:9000", "http://"+minioSrv.Addr)
	setupEnv := append(cleanEnv(), "HOME="+t.TempDir(), "PATH="+filepath.Dir(mc)+":/usr/bin:/bin",
		"MINIO_ROOT_USER="+s3test.User, "MINIO_ROOT_PASSWORD="+s3test.Password,
		"POLICYDESK_S3_ACCESS_KEY="+env(setup, "POLICYDESK_S3_ACCESS_KEY"),
		"POLICYDESK_S3_SECRET_KEY="+env(setup, "POLICYDESK_S3_SECRET_KEY"))
	for run := 1; run <= 2; run++ {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, "/bin/sh", "-ec", script)
		cmd.Env = setupEnv
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("minio-setup, run %d: %v\n%s", run, err, out)
		}
	}

	app := p.Services[replicas(t, p)[0]]
	bucket, key, secret := env(app, "POLICYDESK_S3_BUCKET"), env(app, "POLICYDESK_S3_ACCESS_KEY"), env(app, "POLICYDESK_S3_SECRET_KEY")
	srv := startServer(t, "", "POLICYDESK_S3_ENDPOINT="+minioSrv.Addr, "POLICYDESK_S3_BUCKET="+bucket,
		"POLICYDESK_S3_ACCESS_KEY="+key, "POLICYDESK_S3_SECRET_KEY="+secret)
	if status, body := get(t, http.DefaultClient, srv.URL+"/readyz", ""); status != http.StatusOK || !strings.Contains(body, `"blobs":"ok"`) {
		t.Fatalf("readiness with the setup's account: %d %s", status, body)
	}
	c := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	doc := c.createDocument(t, "Rregullore për shtojcat", "## Neni 1\n\nTekst.\n")
	data := bytes.Repeat([]byte("Shtojca e rregullores. "), 1000)
	id := c.upload(t, doc.ID, "shtojca.txt", data)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var got bytes.Buffer
	if _, _, err := c.download(ctx, id, &got); err != nil || !bytes.Equal(got.Bytes(), data) {
		t.Fatalf("download through the setup's account: %v (%d bytes of %d)", err, got.Len(), len(data))
	}
	if err := c.do(ctx, http.MethodDelete, "/api/v1/attachments/"+strconv.FormatInt(id, 10), nil, nil); err != nil {
		t.Fatalf("deleting the attachment: %v", err)
	}

	client, err := minio.New(minioSrv.Addr, &minio.Options{Creds: credentials.NewStaticV4(key, secret, "")})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.MakeBucket(ctx, "not-for-policydesk", minio.MakeBucketOptions{}); minio.ToErrorResponse(err).Code != "AccessDenied" {
		t.Errorf("the replicas' account could make a bucket: %v", err)
	}
}
