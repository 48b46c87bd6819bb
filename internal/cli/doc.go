// Package cli holds the landfall command line: one sub-package per cobra
// command (root, version, dev, ...), each exporting only a Command
// constructor. There are no package-level command variables and no init
// functions; flags come from options structs. Commands are thin adapters
// over the engine packages in internal/.
package cli
