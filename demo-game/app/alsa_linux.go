//go:build linux && !android && cgo

package app

// #cgo pkg-config: alsa
// #include <alsa/asoundlib.h>
//
// static void quiet(const char *file, int line, const char *function, int err, const char *fmt, ...) {}
//
// // probe opens and closes the playback device name without blocking and
// // without ALSA's own messages on stderr; it returns 0 or ALSA's error.
// static int probe(const char *name) {
// 	snd_lib_error_set_handler(quiet);
// 	snd_pcm_t *h;
// 	int err = snd_pcm_open(&h, name, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
// 	if (err == 0) {
// 		snd_pcm_close(h);
// 	}
// 	snd_lib_error_set_handler(NULL);
// 	return err;
// }
import "C"

import (
	"fmt"
	"unsafe"
)

// probeAudio reports whether a sound device can play, before Ebiten's
// audio opens one: on Linux, Ebiten (through oto) opens ALSA's default
// device and, when there is none, returns the error from the game's next
// Update, which would end the game. It tries the devices oto tries first.
func probeAudio() error {
	var msg string
	for _, name := range []string{"default", "plug:default"} {
		cname := C.CString(name)
		err := C.probe(cname)
		C.free(unsafe.Pointer(cname))
		if err == 0 {
			return nil
		}
		if msg == "" {
			msg = C.GoString(C.snd_strerror(err))
		}
	}
	return fmt.Errorf("no audio device (ALSA: %s)", msg)
}
