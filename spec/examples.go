package spec

import (
	"cmp"
	"maps"
	"math"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// OrderedExamples returns the names of examples in the order the document
// lists them. kin-openapi stores named examples in a Go map, which has no
// order, so the order comes from the origin (line and column of each
// example's key) that Load records. For a $ref example the position of the
// reference counts, not that of the component it names. Names without a
// known position follow the others in name order, so a document loaded
// without origins gives plain name order.
func OrderedExamples(examples openapi3.Examples) []string {
	names := slices.Sorted(maps.Keys(examples))
	slices.SortStableFunc(names, func(a, b string) int {
		lineA, columnA := examplePosition(examples[a])
		lineB, columnB := examplePosition(examples[b])
		return cmp.Or(cmp.Compare(lineA, lineB), cmp.Compare(columnA, columnB))
	})
	return names
}

// examplePosition returns the line and column of the example's key, or
// math.MaxInt for both when the position is unknown.
func examplePosition(ref *openapi3.ExampleRef) (line, column int) {
	if ref == nil {
		return math.MaxInt, math.MaxInt
	}
	origins := []*openapi3.Origin{ref.Origin}
	if ref.Value != nil {
		origins = append(origins, ref.Value.Origin)
	}
	for _, origin := range origins {
		if origin != nil && origin.Key != nil && origin.Key.Line > 0 {
			return origin.Key.Line, origin.Key.Column
		}
	}
	return math.MaxInt, math.MaxInt
}
