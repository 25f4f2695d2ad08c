// Package bundles embeds the rule bundles that ship with Heed, so that the
// CLI checks drafts against the default bundle with no files beside it.
package bundles

import "embed"

// FS holds the bundle source folders: default, and the organisation
// overlays that extend it.
//
//go:embed default
var FS embed.FS

// Default is the folder of the default bundle in FS.
const Default = "default"
