package cache

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
)

// Generator is the one identity every record and cache entry of a run
// belongs to: the build of assetgen that made it and the settings it ran
// with. It begins the tree key and the output key, so that a record made
// by another build (a rebuilt assetgen, whose output may differ) or with
// other settings is a miss and costs one full run, never a wrong package.
type Generator [sha256.Size]byte

// NewGenerator returns the identity of the running build with settings,
// a struct of plain values (see Writer.Value); ok is false when settings
// hold something that cannot be keyed, and the caller then caches nothing.
//
// The build is its build information (module versions, VCS revision,
// build settings) and its executable's path, size and modification time,
// which tell two builds of one unreleased revision apart.
func NewGenerator(settings any) (g Generator, ok bool) {
	w := NewKeyWriter()
	if bi, ok := debug.ReadBuildInfo(); ok {
		w.Str32(bi.String())
	}
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			w.Str32(exe)
			w.Num(fi.ModTime().UnixNano())
			w.Num(fi.Size())
		}
	}
	if err := w.Value(settings); err != nil {
		return g, false
	}
	return Generator(w.Sum()), true
}

// Value writes v by its type's structure, every field in order with its
// name, every string and list with its length, a map by sorted key: two
// values write the same bytes only if they are equal, and a field added to
// a settings type joins its key without anyone remembering to add it.
// A func that is not nil, a channel or an unsafe pointer is an error:
// they have no value to key, so whatever holds one is not cached.
func (w *Writer) Value(v any) error {
	return w.value(reflect.ValueOf(v))
}

var errUnkeyable = errors.New("value cannot be keyed")

func (w *Writer) value(v reflect.Value) error {
	if !v.IsValid() {
		w.Str32("")
		return nil
	}
	w.Str32(v.Type().String())
	switch v.Kind() {
	case reflect.Bool:
		w.Bool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		w.Num(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		w.Num(int64(v.Uint()))
	case reflect.Float32, reflect.Float64:
		w.Str32(fmt.Sprint(v.Float())) // shortest text that reads back the same
	case reflect.String:
		w.Str32(v.String())
	case reflect.Slice, reflect.Array:
		w.Num(int64(v.Len()))
		for i := range v.Len() {
			if err := w.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			w.Str32(v.Type().Field(i).Name)
			if err := w.value(v.Field(i)); err != nil {
				return err
			}
		}
	case reflect.Pointer, reflect.Interface:
		w.Bool(v.IsNil())
		if !v.IsNil() {
			return w.value(v.Elem())
		}
	case reflect.Map:
		return w.mapValue(v)
	case reflect.Func:
		if !v.IsNil() {
			return errUnkeyable
		}
		w.Bool(true)
	default:
		return errUnkeyable
	}
	return nil
}

// mapValue writes a map's entries sorted by their keys' encodings.
func (w *Writer) mapValue(v reflect.Value) error {
	type entry struct{ k, v []byte }
	var entries []entry
	for it := v.MapRange(); it.Next(); {
		var kw, vw Writer
		if err := kw.value(it.Key()); err != nil {
			return err
		}
		if err := vw.value(it.Value()); err != nil {
			return err
		}
		entries = append(entries, entry{kw.buf, vw.buf})
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(string(a.k), string(b.k)) })
	w.Num(int64(len(entries)))
	for _, e := range entries {
		w.Bytes(e.k)
		w.Bytes(e.v)
	}
	return nil
}
