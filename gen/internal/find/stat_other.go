//go:build !(linux && (amd64 || arm64 || riscv64 || ppc64 || ppc64le || s390x))

package find

// statFile stats dir joined with name, following symbolic links, and
// reports whether it is a regular file: os.Stat, on the systems where
// stat_linux.go has no allocation-free way.
func statFile(dir, name string) (Stat, bool) { return statPath(dir, name) }
