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
	// passes nil (crypto/rand) or crypto/rand.Reader.
	rand := bytes.NewReader([]byte{
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	})
	code, err := sharecode.New([]netip.AddrPort{
		netip.MustParseAddrPort("203.0.113.7:7777"),
		netip.MustParseAddrPort("[2001:db8::7]:7777"),
	}, rand)
	if err != nil {
		panic(err)
	}
	s := code.String()
	fmt.Println(s)

	// Friends may type it in lower case, with spaces, and confuse O with 0.
	typed := strings.ReplaceAll(strings.ToLower(s), "0", "o")
	typed = strings.ReplaceAll(typed, "-", " ")
	fmt.Println(typed)
	back, err := sharecode.Parse(typed)
	if err != nil {
		panic(err)
	}
	fmt.Println(back.Equal(code), back.Addrs)
	fmt.Printf("%x\n", back.Secret)

	// A typo is caught by the checksum.
	typo := []byte(s)
	typo[10] ^= 0x01
	_, err = sharecode.Parse(string(typo))
	fmt.Println(err)
	// Output:
	// PS1-0401-28HK-8HAP-CXW8-K6NB-QK6X-XVZG-416B-01RG-E7K1-0RG0-23DR-0000-0000-0000-0000-003H-WR86-4VQ7-0
	// ps1 o4o1 28hk 8hap cxw8 k6nb qk6x xvzg 416b o1rg e7k1 orgo 23dr oooo oooo oooo oooo oo3h wr86 4vq7 o
	// true [203.0.113.7:7777 [2001:db8::7]:7777]
	// 00112233445566778899aabbccddeeff
	// sharecode: the code has a typo: checksum does not match
}
