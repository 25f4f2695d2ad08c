package source_test

import (
	"io/fs"

	"testing/fstest"

	"github.com/heed-dev/heed/bundles"
)

// fsFromBundles copies the embedded bundles into a MapFS under bundles/.
func fsFromBundles() (fstest.MapFS, error) {
	out := fstest.MapFS{}
	err := fs.WalkDir(bundles.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(bundles.FS, p)
		if err != nil {
			return err
		}
		out["bundles/"+p] = &fstest.MapFile{Data: data}
		return nil
	})
	return out, err
}
