// Package reachlab holds no code: its tests, built with the netlab tag,
// play real matches of the test peer across the namespace lab's home
// routers (internal/netlab) to prove what netcode's internet reach
// promises: port mapping, DHT rendezvous with hole punching, the relay
// inside the mesh, LAN discovery, and the named error where nothing gets
// through. `make lab` runs them, `make test` does as root.
package reachlab
