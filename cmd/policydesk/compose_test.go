package main

// compose.yaml cannot be started here (no container engine), so it is
// loaded as docker compose loads it — compose-go, the library inside
// docker compose: the compose schema, interpolation from .env.example,
// YAML anchors, and compose's own consistency checks — and the stack it
// describes is checked against what a deployment of several replicas needs.

import (
	"context"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

const (
	composeFile = "../../compose.yaml"
	envExample  = "../../.env.example"
)

// replicas are the services of compose.yaml that run policydesk (those
// given POLICYDESK_ADDR), sorted: at least two.
func replicas(t *testing.T, p *types.Project) []string {
	t.Helper()
	var names []string
	for name, s := range p.Services {
		if env(s, "POLICYDESK_ADDR") != "" {
			names = append(names, name)
		}
	}
	if slices.Sort(names); len(names) < 2 {
		t.Fatalf("compose.yaml runs %d replicas (%v), want at least two", len(names), names)
	}
	return names
}

// loadCompose loads compose.yaml with the variables of envFiles and nothing
// from this process's environment.
func loadCompose(t *testing.T, envFiles ...string) (*types.Project, error) {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{composeFile}, cli.WithName("policydesk"),
		cli.WithEnv(nil), cli.WithEnvFiles(envFiles...), cli.WithDotEnv)
	if err != nil {
		t.Fatal(err)
	}
	return opts.LoadProject(context.Background())
}

func env(s types.ServiceConfig, key string) string {
	if v := s.Environment[key]; v != nil {
		return *v
	}
	return ""
}

// TestComposeSecretsFromEnvFile: without an .env file compose refuses to
// start and names every secret it misses; .env.example names every variable
// compose.yaml reads, holds no real secret, and .env itself is ignored by git.
func TestComposeSecretsFromEnvFile(t *testing.T) {
	_, err := loadCompose(t)
	if err == nil {
		t.Fatal("compose.yaml loads without any secret set: a default secret is written in it")
	}
	secrets := []string{"POSTGRES_PASSWORD", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD",
		"POLICYDESK_S3_ACCESS_KEY", "POLICYDESK_S3_SECRET_KEY", "MEILI_MASTER_KEY", "POLICYDESK_ADMIN_PASSWORD"}
	for _, name := range secrets {
		if !strings.Contains(err.Error(), "required variable "+name+" is missing") {
			t.Errorf("without .env, compose does not say that %s is missing: %v", name, err)
		}
	}
	raw, err := os.ReadFile(composeFile)
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(envExample)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`\$\{([A-Z0-9_]+)`).FindAllSubmatch(raw, -1) {
		if !regexp.MustCompile(`(?m)^` + string(m[1]) + `=`).Match(example) {
			t.Errorf(".env.example does not set %s, which compose.yaml reads", m[1])
		}
	}
	for _, name := range secrets {
		if !regexp.MustCompile(`(?m)^`+name+`=change-me`).Match(example) && !strings.HasSuffix(name, "_USER") && !strings.HasSuffix(name, "_ACCESS_KEY") {
			t.Errorf(".env.example gives %s a value that is not a change-me placeholder", name)
		}
	}
	ignore, err := os.ReadFile("../../.gitignore")
	if err != nil || !regexp.MustCompile(`(?m)^/?\.env$`).Match(ignore) {
		t.Errorf(".gitignore does not ignore .env (%v)", err)
	}
}

// TestComposeStack: PostgreSQL, MinIO (and its one-shot setup), Meilisearch,
// two replicas and the proxy, each with a health check; the replicas wait
// for healthy dependencies, share one database, object store and index,
// trust exactly the proxy's network for X-Forwarded-For and set Secure
// cookies; only the proxy (and MinIO's console, locally) is published.
func TestComposeStack(t *testing.T) {
	p, err := loadCompose(t, envExample)
	if err != nil {
		t.Fatalf("compose.yaml does not load with .env.example: %v", err)
	}
	for _, name := range []string{"postgres", "minio", "minio-setup", "meilisearch", "proxy"} {
		if _, ok := p.Services[name]; !ok {
			t.Fatalf("compose.yaml has no service %s", name)
		}
	}
	for _, name := range []string{"postgres", "minio", "meilisearch", "proxy"} {
		if hc := p.Services[name].HealthCheck; hc == nil || len(hc.Test) < 2 || hc.Disable {
			t.Errorf("%s has no health check", name)
		}
	}
	if test := strings.Join(p.Services["postgres"].HealthCheck.Test, " "); !strings.Contains(test, "pg_isready") {
		t.Errorf("postgres's health check is %q, want pg_isready", test)
	}
	apps := replicas(t, p)
	checkReplicas(t, p, apps)
	checkNetworks(t, p, apps)
	proxy := p.Services["proxy"]
	for _, app := range apps {
		if d, ok := proxy.DependsOn[app]; !ok || d.Condition != types.ServiceConditionHealthy {
			t.Errorf("proxy does not wait for %s to be healthy: %+v", app, proxy.DependsOn)
		}
	}
	if !slices.ContainsFunc(proxy.Volumes, func(v types.ServiceVolumeConfig) bool {
		return strings.HasSuffix(v.Source, "/Caddyfile") && v.Target == "/etc/caddy/Caddyfile" && v.ReadOnly
	}) {
		t.Errorf("proxy does not mount the repository's Caddyfile read-only: %+v", proxy.Volumes)
	}
	for name, s := range p.Services {
		for _, port := range s.Ports {
			if name != "proxy" && !(name == "minio" && port.HostIP == "127.0.0.1") {
				t.Errorf("%s publishes port %d: only the proxy should be reachable", name, port.Target)
			}
		}
	}
}

// checkReplicas: every replica is built from the Dockerfile, waits for its
// dependencies and uses the same database, bucket and index.
func checkReplicas(t *testing.T, p *types.Project, apps []string) {
	t.Helper()
	first := p.Services[apps[0]]
	for _, key := range []string{"POLICYDESK_DATABASE_URL", "POLICYDESK_S3_ENDPOINT", "POLICYDESK_S3_BUCKET", "POLICYDESK_MEILI_URL", "POLICYDESK_TRUSTED_PROXIES"} {
		if env(first, key) == "" {
			t.Errorf("%s has no %s", first.Name, key)
		}
	}
	db, err := url.Parse(env(first, "POLICYDESK_DATABASE_URL"))
	if err != nil || db.Scheme != "postgres" || db.Hostname() != "postgres" {
		t.Errorf("POLICYDESK_DATABASE_URL %q does not name the postgres service (%v)", env(first, "POLICYDESK_DATABASE_URL"), err)
	}
	for _, name := range apps {
		app := p.Services[name]
		if app.Build == nil || app.Build.Dockerfile != "Dockerfile" {
			t.Errorf("%s is not built from the Dockerfile: %+v", name, app.Build)
		}
		for dep, cond := range map[string]string{"postgres": types.ServiceConditionHealthy, "minio": types.ServiceConditionHealthy,
			"meilisearch": types.ServiceConditionHealthy, "minio-setup": types.ServiceConditionCompletedSuccessfully} {
			if d, ok := app.DependsOn[dep]; !ok || d.Condition != cond {
				t.Errorf("%s does not wait for %s (%s): %+v", name, dep, cond, app.DependsOn[dep])
			}
		}
		for key, v := range first.Environment {
			if got := app.Environment[key]; got == nil || *got != *v {
				t.Errorf("%s and %s differ in %s", first.Name, name, key)
			}
		}
		if env(app, "POLICYDESK_SECURE_COOKIES") != "true" {
			t.Errorf("%s does not set Secure cookies", name)
		}
		if !slices.ContainsFunc(app.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Target == env(app, "POLICYDESK_DATA") }) {
			t.Errorf("%s keeps its data directory %s in no volume", name, env(app, "POLICYDESK_DATA"))
		}
	}
	dockerfile, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`HEALTHCHECK`, `/policydesk", "health"]`, "USER 65532"} {
		if !strings.Contains(string(dockerfile), want) {
			t.Errorf("the Dockerfile lacks %s", want)
		}
	}
}

// checkNetworks: POLICYDESK_TRUSTED_PROXIES is the subnet of the network
// the proxy shares with the replicas, and the database, MinIO and
// Meilisearch are not on it (nothing else there could forge a client).
func checkNetworks(t *testing.T, p *types.Project, apps []string) {
	t.Helper()
	trusted, err := netip.ParsePrefix(env(p.Services[apps[0]], "POLICYDESK_TRUSTED_PROXIES"))
	if err != nil {
		t.Fatalf("POLICYDESK_TRUSTED_PROXIES is not one subnet: %v", err)
	}
	var proxyNet string
	for name := range p.Services["proxy"].Networks {
		for _, pool := range p.Networks[name].Ipam.Config {
			if pool.Subnet == trusted.String() {
				proxyNet = name
			}
		}
	}
	if proxyNet == "" {
		t.Fatalf("the proxy is on no network whose subnet is POLICYDESK_TRUSTED_PROXIES %s", trusted)
	}
	for name, s := range p.Services {
		_, on := s.Networks[proxyNet]
		if want := name == "proxy" || slices.Contains(apps, name); on != want {
			t.Errorf("%s on the proxy's network %s: %v, want %v", name, proxyNet, on, want)
		}
	}
}
