// Package account implements `landfall account create|list|describe`, for
// platform admins.
package account
