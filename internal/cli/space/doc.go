// Package space implements `landfall space create|list|delete`, which
// work for tenants with their own credentials.
package space
