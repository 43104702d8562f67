package lockstep

import (
	"bytes"
	"math"
	"time"
)

// namedMessage is a message with a name for test output and golden files.
type namedMessage struct {
	name string
	msg  Message
}

// wireSamples holds several messages of every kind, edges included: no
// inputs, empty inputs, the largest sizes, the extreme frames and numbers.
func wireSamples() []namedMessage {
	maxInputs := make([][]byte, MaxInputsPerMessage)
	for i := range maxInputs {
		maxInputs[i] = []byte{byte(i)}
	}
	bigInputs := make([][]byte, 100)
	for i := range bigInputs {
		bigInputs[i] = bytes.Repeat([]byte{byte(i)}, MaxInputSize)
	}
	return []namedMessage{
		{"input", &InputMsg{Player: 3, Start: 120, Inputs: [][]byte{{1, 2}, {}, {0x93, 0x01, 0x02, 0x03}}}},
		{"input-ack-only", &InputMsg{Player: 1, Start: 7, AckNext: 5}},
		{"input-zero", &InputMsg{}},
		{"input-nil-input", &InputMsg{Player: 15, Start: 1, Inputs: [][]byte{nil, {9}}, AckNext: 1}},
		{"input-ack-ahead", &InputMsg{Player: 2, Start: 10, Inputs: [][]byte{{1}}, AckNext: 500}},
		{"input-max-frames", &InputMsg{Player: 15, Start: maxFrame, Inputs: [][]byte{{0xff}}, AckNext: maxFrame}},
		{"input-max-count", &InputMsg{Player: 4, Start: 1 << 20, Inputs: maxInputs, AckNext: 1<<20 - 3}},
		{"input-max-size", &InputMsg{Player: 5, Start: 300, Inputs: bigInputs, AckNext: 0}},
		{"input-16bit-frames", &InputMsg{Player: 0, Start: 40000, Inputs: [][]byte{bytes.Repeat([]byte{7}, 200)}, AckNext: 39990}},
		{"input-admits", &InputMsg{Player: 0, Start: 500, Inputs: [][]byte{{1}, {2}, {3}}, AckNext: 498,
			Admits: []Admit{{Player: 3, Frame: 501, From: 531}, {Player: 5, Frame: 502, From: 503}}}},
		{"checksum", &ChecksumMsg{Frame: 90, Sum: 0xdeadbeefcafef00d}},
		{"checksum-zero", &ChecksumMsg{}},
		{"checksum-small", &ChecksumMsg{Frame: 127, Sum: 127}},
		{"checksum-max", &ChecksumMsg{Frame: maxFrame, Sum: math.MaxUint64}},
		{"ping", &PingMsg{Sent: 1500 * time.Millisecond, Frame: 88, Advantage: -1250}},
		{"ping-zero", &PingMsg{}},
		{"ping-extremes", &PingMsg{Sent: 1 << 62, Frame: maxFrame, Advantage: math.MinInt32}},
		{"ping-ahead", &PingMsg{Sent: 3 * time.Second, Frame: 200, Advantage: math.MaxInt32}},
		{"ping-small-negative", &PingMsg{Sent: 1, Frame: 1, Advantage: -32}},
		{"ping-int8", &PingMsg{Sent: 255, Frame: 256, Advantage: -33}},
		{"pong", &PongMsg{Echo: 1400 * time.Millisecond, Frame: 87}},
		{"pong-held", &PongMsg{Echo: 10 * time.Second, Frame: 65536, Held: 8 * time.Millisecond}},
		{"pong-extremes", &PongMsg{Echo: 1 << 62, Frame: maxFrame, Held: 1 << 62}},
		{"drop-report", &DropReportMsg{Entries: []DropEntry{
			{Player: 2, Last: 41, Final: true, Start: 40, Inputs: [][]byte{{7}, {8}}},
			{Player: 5, Last: NoFrame, Inputs: [][]byte{}},
		}}},
		{"drop-report-empty", &DropReportMsg{}},
		{"drop-report-admits", &DropReportMsg{Entries: []DropEntry{
			{Player: 1, Last: 71, Final: true, Start: 70, Inputs: [][]byte{{4}, {5}}, Admits: []Admit{{Player: 2, Frame: 71, From: 101}}},
		}}},
		{"drop-report-nil-input", &DropReportMsg{Entries: []DropEntry{{Player: 1, Last: 3, Start: 2, Inputs: [][]byte{nil, {1}}}}}},
		{"drop-report-all", dropReportAll()},
		{"leave", &LeaveMsg{}},
		{"kicked", &KickedMsg{Frame: 300}},
		{"kicked-zero", &KickedMsg{}},
		{"kicked-max", &KickedMsg{Frame: maxFrame}},
	}
}

func dropReportAll() *DropReportMsg {
	m := &DropReportMsg{}
	for p := range MaxPlayers {
		m.Entries = append(m.Entries, DropEntry{Player: PlayerID(p), Last: Frame(1000 + p), Final: p%2 == 0, Start: Frame(1000 + p - 1), Inputs: [][]byte{{byte(p)}, bytes.Repeat([]byte{byte(p)}, 20)}})
	}
	return m
}
