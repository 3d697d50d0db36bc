package main

// Requests per second with one and with two replicas on one PostgreSQL,
// measured by wrk (Debian's package: apt-get install -y wrk), a second
// process on loopback:
//
//	go test -run '^$' -bench BenchmarkReplicasWrk ./cmd/policydesk/
//
// The paths: the version page (HTML, rendered version cached per
// replica), the rendered version alone (the API), and a document read
// (JSON). Each sub-benchmark runs wrk once for POLICYDESK_WRK_DURATION
// (5s) with 2 threads and 32 connections and reports wrk's requests per
// second, its median latency, the sessions PostgreSQL counted during the
// run (the replicas' new connections, and the two of the measurement
// itself), the CPU seconds wrk, Caddy and each replica spent, and how busy
// the machine's CPUs were (everyone's work: PostgreSQL's and whatever else
// runs there too); ns/op is the length of the wrk run and means nothing.

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"policydesk/drafts/draftstest"
	"policydesk/storage/postgres"
	"policydesk/storage/postgres/pgtest"
)

func BenchmarkReplicasWrk(b *testing.B) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		b.Skip("wrk is not installed (apt-get install -y wrk); this benchmark measures with it")
	}
	dsn := pgtest.URL(b)
	a := startServer(b, "", "POLICYDESK_DATABASE_URL="+dsn)
	api := loginAPI(b, a.URL, "admin", e2eAdminPassword)
	doc := api.createDocument(b, "Rregullore për matjen", draftstest.Regulation(30, 8000, 2))
	paths := []struct{ name, path string }{
		{"page", fmt.Sprintf("/documents/%d/versions/1", doc.ID)},
		{"html", fmt.Sprintf("/api/v1/documents/%d/versions/1/html", doc.ID)},
		{"api", fmt.Sprintf("/api/v1/documents/%d", doc.ID)},
	}
	run := func(setup, base string, replicas ...*testServer) {
		for _, p := range paths {
			for _, r := range replicas { // warm each replica's render cache
				if _, err := getLength(b.Context(), api, r.URL+p.path); err != nil {
					b.Fatal(err)
				}
			}
			pids := map[string]int{}
			for i, r := range replicas {
				pids[fmt.Sprintf("replica%d", i+1)] = r.cmd.Process.Pid
			}
			if base != a.URL {
				pids["caddy"] = newestChild(b, "caddy")
			}
			b.Run(setup+"/"+p.name, func(b *testing.B) {
				sessions := pgSessions(b, dsn)
				runWrk(b, wrk, base+p.path, api.token, pids)
				b.ReportMetric(float64(pgSessions(b, dsn)-sessions), "pg-sessions")
			})
		}
	}
	run("direct-1", a.URL, a)
	run("caddy-1", startCaddy(b, hostPort(a.URL)), a)
	r2 := startServer(b, "", "POLICYDESK_DATABASE_URL="+dsn)
	two := startCaddy(b, hostPort(a.URL), hostPort(r2.URL))
	time.Sleep(time.Second) // both in Caddy's rotation (health checks every 250 ms)
	run("caddy-2", two, a, r2)
}

var (
	wrkRate    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkMedian  = regexp.MustCompile(`\s50%\s+([0-9.]+)(us|ms|s)\b`)
	wrkProblem = regexp.MustCompile(`Non-2xx or 3xx responses: \d+|Socket errors: .*`)
)

// runWrk runs wrk against url b.N times and reports the last run's
// figures, with the CPU time wrk and each process of pids spent during it.
func runWrk(b *testing.B, wrk, url, token string, pids map[string]int) {
	duration := os.Getenv("POLICYDESK_WRK_DURATION")
	if duration == "" {
		duration = "5s"
	}
	for range b.N {
		cpu := map[string]time.Duration{}
		for name, pid := range pids {
			cpu[name] = cpuTime(b, pid)
		}
		busy, total := machineCPU(b)
		cmd := exec.Command(wrk, "-t2", "-c32", "-d"+duration, "--latency", "-H", "Authorization: Bearer "+token, url)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("wrk: %v\n%s", err, out)
		}
		if m := wrkProblem.Find(out); m != nil {
			b.Fatalf("wrk: %s\n%s", m, out)
		}
		rate, median := wrkRate.FindSubmatch(out), wrkMedian.FindSubmatch(out)
		if rate == nil || median == nil {
			b.Fatalf("wrk's output has no Requests/sec or 50%% latency:\n%s", out)
		}
		perSec, _ := strconv.ParseFloat(string(rate[1]), 64)
		p50, _ := time.ParseDuration(string(median[1]) + strings.Replace(string(median[2]), "us", "µs", 1))
		b.ReportMetric(perSec, "req/s")
		b.ReportMetric(float64(p50.Microseconds())/1000, "ms-p50")
		for name, pid := range pids {
			b.ReportMetric((cpuTime(b, pid) - cpu[name]).Seconds(), "cpu-s-"+name)
		}
		b.ReportMetric((cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds(), "cpu-s-wrk")
		busy2, total2 := machineCPU(b)
		b.ReportMetric(100*float64(busy2-busy)/float64(total2-total), "machine-busy-%")
	}
}

// machineCPU reads the busy and total clock ticks of all CPUs together
// from /proc/stat: busy is everything but idle and iowait, whoever ran.
func machineCPU(tb testing.TB) (busy, total int64) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		tb.Fatal(err)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	for i, f := range strings.Fields(line)[1:] {
		n, _ := strconv.ParseInt(f, 10, 64)
		total += n
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return busy, total
}

// newestChild is the pid of this process's youngest child named name.
func newestChild(tb testing.TB, name string) int {
	newest := 0
	for _, pid := range childPIDs(tb, os.Getpid()) {
		if comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); strings.TrimSpace(string(comm)) == name && pid > newest {
			newest = pid
		}
	}
	if newest == 0 {
		tb.Fatalf("no %s process runs", name)
	}
	return newest
}

// pgSessions is the number of sessions PostgreSQL counts on dsn's
// database so far: the connections the replicas' pools opened.
func pgSessions(tb testing.TB, dsn string) int64 {
	db, err := postgres.Connect(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.QueryRowContext(tb.Context(), `SELECT sessions FROM pg_stat_database WHERE datname = current_database()`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// cpuTime is the user and system CPU time process pid has used
// (/proc/pid/stat, in clock ticks of 1/100 s).
func cpuTime(tb testing.TB, pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		tb.Fatal(err)
	}
	// The fields after the command name, which is in parentheses.
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
