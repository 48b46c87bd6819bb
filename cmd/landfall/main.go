// Command landfall is the single Landfall binary: the CLI and, later, the
// manager that runs the controllers, webhooks and panel.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/cli/root"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := root.Command().ExecuteContext(ctx)
	stop()
	if cliutil.ShouldPrint(err) {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
	}
	os.Exit(cliutil.ExitCode(err))
}
