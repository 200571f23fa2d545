//go:build !unix

package store

// discardUnheld leaves the file as it is where there is no flock to ask whether
// another sandbank holds it.
func discardUnheld(string) {}
