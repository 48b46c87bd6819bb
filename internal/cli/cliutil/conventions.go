package cliutil

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// FlagError is every command's flag error function: a bad flag is a
// usage error (exit 2) that ends with kubectl's hint line.
func FlagError(c *cobra.Command, err error) error {
	return UsageError(withHint(c, err))
}

// withHint appends kubectl's "See '... --help'." line to err.
func withHint(c *cobra.Command, err error) error {
	return fmt.Errorf("%w\nSee '%s --help'.", err, c.CommandPath()) //nolint:staticcheck // ST1005: kubectl's hint line, printed last
}

// Conventions makes every command under root behave as kubectl's do, so
// no command can forget it:
//
//   - a wrong number of arguments is a usage error (exit 2) with the
//     help hint, not a plain failure (exit 1);
//   - a command group given an unknown sub-command (`landfall space
//     delte`) says so, suggests the closest, and exits 2; cobra would
//     print the group's help and exit 0, so a script would carry on;
//   - a bad flag is a usage error with the help hint (FlagError), also
//     for commands that set their own flag error function.
//
// A group called with no arguments still prints its help. Call it once,
// on the root, after every command is added.
func Conventions(root *cobra.Command) {
	visit(root, func(c *cobra.Command) {
		c.SetFlagErrorFunc(FlagError)
		if c.HasSubCommands() && !c.Runnable() {
			c.Args = cobra.ArbitraryArgs
			c.RunE = runGroup
			return
		}
		if args := c.Args; args != nil {
			c.Args = func(c *cobra.Command, a []string) error {
				if err := args(c, a); err != nil {
					return UsageError(withHint(c, err))
				}
				return nil
			}
		}
	})
}

func visit(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		visit(sub, fn)
	}
}

// runGroup runs a command group: its help without arguments, a usage
// error naming the unknown sub-command with them.
func runGroup(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return c.Help()
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
	if c.SuggestionsMinimumDistance <= 0 {
		c.SuggestionsMinimumDistance = 2 // cobra's default, set only for the root
	}
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t") + "\n"
	}
	return UsageError(withHint(c, fmt.Errorf("%s", msg)))
}
