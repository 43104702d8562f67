package lockstep

import (
	"reflect"
	"testing"
	"time"
)

// codecSamples holds one message of every kind.
func codecSamples() []Message {
	return []Message{
		&InputMsg{Player: 3, Start: 120, Inputs: [][]byte{{1, 2}, {}, {0x93, 0x01, 0x02, 0x03}}},
		&ChecksumMsg{Frame: 90, Sum: 0xdeadbeefcafef00d},
		&PingMsg{Sent: 1500 * time.Millisecond, Frame: 88, Advantage: -1250},
		&PongMsg{Echo: 1400 * time.Millisecond, Frame: 87},
		&DropReportMsg{Entries: []DropEntry{
			{Player: 2, Last: 41, Final: true, Start: 40, Inputs: [][]byte{{7}, {8}}},
			{Player: 5, Last: NoFrame, Inputs: [][]byte{}},
		}},
		&LeaveMsg{},
		&KickedMsg{Frame: 300},
	}
}

// FuzzDecodeMessage: DecodeMessage never panics, and whatever it accepts
// encodes again to bytes that decode to the same message.
func FuzzDecodeMessage(f *testing.F) {
	for _, m := range codecSamples() {
		b, err := EncodeMessage(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte{0x94, 0x01, 0x00, 0x00, 0xdd, 0xff, 0xff, 0xff, 0xff}) // a huge input array
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeMessage(b)
		if err != nil {
			if m != nil {
				t.Fatalf("DecodeMessage returned %#v with error %v", m, err)
			}
			return
		}
		if err := validate(m); err != nil {
			t.Fatalf("decoded %#v fails validation: %v", m, err)
		}
		again, err := EncodeMessage(m)
		if err != nil {
			t.Fatalf("re-encode %#v: %v", m, err)
		}
		m2, err := DecodeMessage(again)
		if err != nil {
			t.Fatalf("re-decode of %#v: %v", m, err)
		}
		if !reflect.DeepEqual(m, m2) {
			t.Fatalf("round trip changed %#v to %#v", m, m2)
		}
	})
}
