package limits_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/internal/genlimits/limits"
)

// The extension's copy of the shared facts is the generated one: change a
// fact in Go and this fails until `make generate` writes the file again.
func TestTheExtensionsLimitsAreGeneratedFromGo(t *testing.T) {
	got, err := os.ReadFile("../../../extension/src/shared/limits.gen.ts")
	require.NoError(t, err)
	assert.Equal(t, string(limits.TypeScript()), string(got), "extension/src/shared/limits.gen.ts is stale: run make generate")
}
