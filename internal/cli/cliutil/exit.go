package cliutil

import (
	"errors"
	"fmt"
)

// Exit codes used by every command.
const (
	// ExitOK means the command did what was asked.
	ExitOK = 0
	// ExitFailure means the command ran but the result is a failure (for
	// example findings at or above --fail-on).
	ExitFailure = 1
	// ExitUsage means bad flags, arguments or input.
	ExitUsage = 2
)

// ExitError carries an exit code through cobra to main.
type ExitError struct {
	// Code is the process exit code.
	Code int
	// Err is the error printed as "Error: ...". Nil means print nothing.
	Err error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// UsageError marks err as a usage or input error (exit 2).
func UsageError(err error) error {
	return &ExitError{Code: ExitUsage, Err: err}
}

// Silent returns an error that exits with code and prints nothing more,
// for commands that already reported their result.
func Silent(code int) error {
	return &ExitError{Code: code}
}

// ExitCode maps an error returned by a command to the process exit code:
// 0 for nil, the code of an ExitError, 1 otherwise.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var e *ExitError
	if errors.As(err, &e) {
		return e.Code
	}
	return ExitFailure
}

// ShouldPrint reports whether main should print err as "Error: ...".
func ShouldPrint(err error) bool {
	if err == nil {
		return false
	}
	var e *ExitError
	if errors.As(err, &e) {
		return e.Err != nil
	}
	return true
}
