package sharecode_test

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"

	"github.com/peerstep/peerstep/netcode/sharecode"
)

func Example() {
	// A fixed "random" source so the output is reproducible; real code
	// passes nil (crypto/rand).
	rand := bytes.NewReader([]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99})
	code, err := sharecode.New(nil, rand)
	if err != nil {
		panic(err)
	}
	s := code.String()
	fmt.Println(s)

	// Friends may type it in lower case, without the prefix and the
	// dashes, and confuse O with 0.
	typed := strings.ReplaceAll(strings.ToLower(s[4:]), "0", "o")
	typed = strings.ReplaceAll(typed, "-", " ")
	fmt.Println(typed)
	back, err := sharecode.Parse(typed)
	if err != nil {
		panic(err)
	}
	fmt.Println(back.Equal(code))

	// A typo is caught by the check.
	typo := []byte(s)
	typo[9] = 'X'
	_, err = sharecode.Parse(string(typo))
	fmt.Println(err)

	// The direct code of the same match carries the host's addresses too.
	direct := code.WithAddrs([]netip.AddrPort{netip.MustParseAddrPort("192.168.1.20:51000")})
	fmt.Println(direct)
	// Output:
	// PS2-008-J4C-T4A-NK7-F24-S5H
	// oo8 j4c t4a nk7 f24 s5h
	// true
	// sharecode: the code has a typo: checksum does not match
	// PS2-4401-28HK-8HAP-CXW8-K73K-G0G1-2H0Z-P5Z6
}
