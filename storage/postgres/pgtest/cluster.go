package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"policydesk/storage/postgres"
)

// cluster is the throwaway server this binary started.
var cluster struct {
	sync.Mutex
	dir  string
	proc *os.Process
	done chan struct{}
}

// startCluster runs initdb and postgres in a new temporary directory and
// returns the URL of its maintenance database once it answers.
func startCluster() (string, error) {
	bin, err := findBin()
	if err != nil {
		return "", err
	}
	cred, owner, err := unprivileged()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "policydesk-pg-")
	if err != nil {
		return "", err
	}
	if owner != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-instructions")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("initdb: %v: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	if err := startPostgres(filepath.Join(bin, "postgres"), dir, data, port, cred); err != nil {
		stopCluster()
		return "", err
	}
	u := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	if err := waitReady(u); err != nil {
		stopCluster()
		return "", err
	}
	return u, nil
}

// startPostgres starts the server from a goroutine locked to its OS thread
// for good: the server gets SIGQUIT (immediate shutdown) when that thread,
// that is this test binary, dies, however it dies.
func startPostgres(postgresBin, dir, data string, port int, cred *syscall.Credential) error {
	logFile, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(postgresBin, "-D", data, "-p", strconv.Itoa(port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	started := make(chan error, 1)
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the server or the binary
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		cmd.Wait()
		logFile.Close()
		close(done)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	cluster.Lock()
	cluster.dir, cluster.proc, cluster.done = dir, cmd.Process, done
	cluster.Unlock()
	return nil
}

func waitReady(u string) error {
	db, err := postgres.Connect(u)
	if err != nil {
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := db.PingContext(ctx)
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres did not answer within 30s (log in %s): %w", cluster.dir, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stopCluster shuts the server down (fast mode) and removes its directory.
func stopCluster() {
	cluster.Lock()
	defer cluster.Unlock()
	if cluster.proc != nil {
		cluster.proc.Signal(syscall.SIGINT)
		select {
		case <-cluster.done:
		case <-time.After(30 * time.Second):
			cluster.proc.Kill()
		}
		cluster.proc = nil
	}
	if cluster.dir != "" {
		os.RemoveAll(cluster.dir)
		cluster.dir = ""
	}
}

// findBin returns the directory of initdb and postgres: PATH first, then
// Debian's /usr/lib/postgresql/<version>/bin, newest version first.
func findBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(p), "postgres")); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("initdb is neither in PATH nor in /usr/lib/postgresql/*/bin; install Debian's postgresql package (make deps does)")
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(strings.Split(filepath.Base(filepath.Dir(binDir)), ".")[0])
	return v
}

// unprivileged returns the credentials to run PostgreSQL with: none (this
// process's) unless running as root, then those of the postgres user that
// Debian's package creates, or of nobody.
func unprivileged() (*syscall.Credential, *user.User, error) {
	if os.Geteuid() != 0 {
		return nil, nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, u, nil
	}
	return nil, nil, errors.New("running as root, PostgreSQL needs an unprivileged user (postgres or nobody) and there is none")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
