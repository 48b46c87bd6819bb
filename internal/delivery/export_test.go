package delivery

// SetBeforePush sets a hook that runs between a promotion's commit and its
// push, and returns a function that removes it.
func SetBeforePush(fn func(attempt int)) func() {
	beforePush = fn
	return func() { beforePush = nil }
}
