package netcode

// Version is the release of the peerstep module this package belongs to,
// as CHANGELOG.md names it (semantic versioning). It says which release a
// program was built from; it is not the wire version, which decides who
// can play with whom: that is wire.Version (netcode/internal/wire), which
// CHANGELOG.md names for each release.
const Version = "0.2.0"
