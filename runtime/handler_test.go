package runtime_test

import (
	"testing"

	"github.com/assetgen/assetgen/internal/handlertest"
)

// table is production mode: a Set over a generated table of the test
// tree.
func table(t testing.TB) handlertest.Mode {
	set, variants := handlertest.Table(t, handlertest.Assets())
	return handlertest.Mode{Set: set, Variants: variants}
}

// TestHandler runs the handler's tests over a table; gen/dev runs the
// same over a development mode Live.
func TestHandler(t *testing.T) { handlertest.Run(t, table) }

func FuzzHandlerPath(f *testing.F) { handlertest.Fuzz(f, table(f)) }
