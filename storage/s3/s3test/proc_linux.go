package s3test

import (
	"os/exec"
	"syscall"
)

// setProcAttr makes the kernel kill the server if the test binary dies
// first, so no MinIO outlives a crashed test run.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

func terminate(cmd *exec.Cmd) { cmd.Process.Signal(syscall.SIGTERM) }
