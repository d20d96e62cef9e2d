package bench

import (
	"encoding/base64"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
)

// corpusCase is one input of the differential test.
type corpusCase struct {
	name string
	tok  string
}

// corpusSeed fixes the generated corpus: the test sees the same inputs on
// every run and every machine.
const (
	corpusSeed1, corpusSeed2 = 2, 2025
	randomCases              = 4000
)

var b64 = base64.RawURLEncoding.EncodeToString

// rs256Header is the header most tokens in the corpus carry. Only the payload
// varies, unless a case is about the other segments.
var rs256Header = b64([]byte(`{"alg":"RS256","typ":"JWT"}`))

// differentialCorpus returns the hand-picked cases followed by randomCases
// generated ones.
func differentialCorpus() []corpusCase {
	r := rand.New(rand.NewPCG(corpusSeed1, corpusSeed2))
	sig := make([]byte, 256)
	for i := range sig {
		sig[i] = byte(r.Uint32())
	}
	g := &corpusGen{r: r, sig: b64(sig)}
	cases := g.fixed()
	for i := range randomCases {
		cases = append(cases, g.random(i))
	}
	return cases
}

type corpusGen struct {
	r   *rand.Rand
	sig string
}

func (g *corpusGen) token(payload string) string {
	return rs256Header + "." + b64([]byte(payload)) + "." + g.sig
}

// fixed are the edge cases of jwtexp's semantics and the ones users meet in
// the wild, each spelled out once so that every rule is exercised for sure.
func (g *corpusGen) fixed() []corpusCase {
	var cs []corpusCase
	add := func(name, payload string) {
		cs = append(cs, corpusCase{name, g.token(payload)})
	}
	addTok := func(name, tok string) {
		cs = append(cs, corpusCase{name, tok})
	}

	values := []string{
		// integers and realistic values
		"1700000000", "4102444800", "1", "-1", "15000", "1516239022",
		// fractional, Laravel-style and at the nanosecond edge
		"1644948329.528239", "1700000000.9999999999", "1700000000.999999999",
		"1700000000.0000000001", "-1.5", "-0.0000000001", "1.0000000005", "0.5",
		// exponents
		"1.7e9", "17E8", "1.7e+9", "170000000000e-2", "0.17E10", "1.30081938e+09", "1e10",
		// zero in all spellings, and values float64 rounds to zero
		"0", "-0", "0.0", "-0.0", "0e5", "0E-5", "-0e+0", "1e-400", "-1e-400", "5e-324", "1e-10", "-1e-10",
		// around float64's exact-integer limit 2^53
		"9007199254740992", "9007199254740993", "9007199254740993.5", "-9007199254740993",
		// around the 2^62 bound
		"4611686018427387903", "4611686018427387903.999999999", "4611686018427387904",
		"4.611686018427387904e18", "-4611686018427387903", "-4611686018427387904",
		"1e19", "-1e19", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
		"18446744073709551616", "1e308", "1.8e308", "1e400", "-1e400", "1e999999999999999999999",
		// the exponent alone does not tell the magnitude: the digits count
		// too (not 17 and 1108 zeros e-1100 here: strconv.ParseFloat, and
		// so golang-jwt, misreads some mantissas of more than 800 digits)
		"0." + strings.Repeat("0", 1100) + "17e1110", "1" + strings.Repeat("0", 1100) + "e-1001",
		"-0." + strings.Repeat("0", 1100) + "1e1001",
		// not numbers
		`"1700000000"`, `"1.7e9"`, `"2024-01-01T00:00:00Z"`, `""`, `"abc"`, `" 1"`, `"-0"`, `"1e400"`, `"0"`,
		"null", "true", "false", "[]", "[1700000000]", "{}", `{"exp":1700000000}`,
	}
	for _, v := range values {
		add("exp "+v, `{"exp":`+v+`}`)
		add("exp "+v+" among claims", `{"iss":"https://issuer.example","aud":["a","b"],"exp":`+v+`,"iat":1516239022}`)
	}

	payloads := []struct{ name, payload string }{
		{"escaped key", `{"\u0065xp":1700000000}`},
		{"fully escaped key", `{"\u0065\u0078\u0070":1700000000}`},
		{"duplicate exp, same value", `{"exp":1700000000,"exp":1700000000}`},
		{"duplicate exp, different values", `{"exp":1,"exp":1700000000}`},
		{"duplicate exp via escape", `{"exp":1,"\u0065xp":1700000000}`},
		{"duplicate exp, number then string", `{"exp":1700000000,"exp":"x"}`},
		{"duplicate exp, three times", `{"exp":1,"exp":2,"exp":3}`},
		{"EXP only", `{"EXP":1700000000}`},
		{"Exp only", `{"Exp":1700000000}`},
		{"escaped EXP only", `{"\u0045XP":1700000000}`},
		{"exp then Exp", `{"exp":1,"Exp":1700000000}`},
		{"Exp then exp", `{"Exp":1700000000,"exp":1}`},
		{"exp then EXP string", `{"exp":1700000000,"EXP":"soon"}`},
		{"nested exp only", `{"ext":{"exp":1700000000}}`},
		{"nested exp in array", `{"a":[{"exp":1700000000}]}`},
		{"nested and top-level exp", `{"ext":{"exp":1},"exp":1700000000}`},
		{"no exp", `{"iss":"x","sub":"y"}`},
		{"empty object", `{}`},
		{"whitespace everywhere", " \t\r\n{ \"exp\" \n:\t1700000000 \r\n} \n"},
		{"payload null", `null`},
		{"payload null with spaces", " null\n"},
		{"payload array", `[{"exp":1700000000}]`},
		{"payload string", `"exp"`},
		{"payload number", `1700000000`},
		{"payload empty", ``},
		{"payload spaces only", `   `},
		{"trailing garbage", `{"exp":1700000000} x`},
		{"two objects", `{"exp":1700000000}{}`},
		{"BOM", "\ufeff{\"exp\":1700000000}"},
		{"truncated", `{"exp":1700000000`},
		{"leading zero", `{"exp":01}`},
		{"bare dot", `{"exp":1.}`},
		{"leading dot", `{"exp":.5}`},
		{"plus sign", `{"exp":+1}`},
		{"NaN", `{"exp":NaN}`},
		{"Infinity", `{"exp":Infinity}`},
		{"hex", `{"exp":0x10}`},
		{"unquoted key", `{exp:1700000000}`},
		{"trailing comma", `{"exp":1700000000,}`},
		{"single quotes", `{'exp':1700000000}`},
		{"invalid UTF-8 in string", "{\"exp\":1700000000,\"n\":\"\xff\xfe\"}"},
		{"lone surrogate", `{"exp":1700000000,"n":"\ud800"}`},
		{"control char in string", "{\"exp\":1700000000,\"n\":\"a\x01b\"}"},
		{"other claim beyond float64", `{"exp":1700000000,"big":1e400}`},
		{"nested claim beyond float64", `{"exp":1700000000,"x":{"y":[-1e999]}}`},
		{"other claim beyond float64, no exp", `{"big":1e400}`},
		{"aud is a number", `{"exp":1700000000,"aud":5}`},
		{"aud array with number", `{"exp":1700000000,"aud":["a",1]}`},
		{"iat is a string", `{"exp":1700000000,"iat":"yesterday"}`},
		{"Iss is a number", `{"exp":1700000000,"Iss":5}`},
		{"nbf is null", `{"exp":1700000000,"nbf":null}`},
		{"depth 9999", `{"a":` + strings.Repeat("[", 9998) + strings.Repeat("]", 9998) + `,"exp":1700000000}`},
		{"depth 10001", `{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `,"exp":1700000000}`},
		{"1 MiB payload", `{"pad":"` + strings.Repeat("x", 1<<20) + `","exp":1700000000}`},
	}
	for _, p := range payloads {
		add(p.name, p.payload)
	}

	// Segment and token shape.
	seg := b64([]byte(`{"exp":1700000000,"iss":"x"}`)) // 38 characters: pads with "=="
	if len(seg)%4 == 0 {
		panic("pick a payload whose encoding needs padding")
	}
	pad := strings.Repeat("=", 4-len(seg)%4)
	aligned := b64([]byte(`{"exp":1700000000}`)) // 24 characters: no padding
	if len(aligned)%4 != 0 {
		panic("pick a payload whose encoding needs no padding")
	}
	join := func(parts ...string) string { return strings.Join(parts, ".") }
	addTok("padded payload", join(rs256Header, seg+pad, g.sig))
	addTok("under-padded payload", join(rs256Header, seg+"=", g.sig))
	addTok("over-padded payload", join(rs256Header, seg+pad+"=", g.sig))
	addTok("padding on aligned payload", join(rs256Header, aligned+"====", g.sig))
	addTok("padding in the middle", join(rs256Header, seg[:4]+"="+seg[4:], g.sig))
	addTok("padded header", join(b64([]byte(`{"alg":"RS256"}`))+"=", aligned, g.sig))
	addTok("leading space", " "+join(rs256Header, aligned, g.sig))
	addTok("trailing space", join(rs256Header, aligned, g.sig)+" ")
	addTok("surrounding tabs", "\t"+join(rs256Header, aligned, g.sig)+"\t")
	addTok("trailing CRLF", join(rs256Header, aligned, g.sig)+"\r\n")
	addTok("leading LF", "\n"+join(rs256Header, aligned, g.sig))
	addTok("LF inside payload", join(rs256Header, aligned[:10]+"\n"+aligned[10:], g.sig))
	addTok("CRLF inside payload", join(rs256Header, aligned[:10]+"\r\n"+aligned[10:], g.sig))
	addTok("space inside payload", join(rs256Header, aligned[:10]+" "+aligned[10:], g.sig))
	addTok("LF inside signature", join(rs256Header, aligned, g.sig[:10]+"\n"+g.sig[10:]))
	addTok("standard alphabet in payload", join(rs256Header, stdAlphabetPayload(), g.sig))
	addTok("non-zero trailing bits", join(rs256Header, nonZeroTrailingBits(seg), g.sig))
	addTok("two segments", join(rs256Header, aligned))
	addTok("four segments", join(rs256Header, aligned, g.sig, g.sig))
	addTok("JWE, five segments", join(b64([]byte(`{"alg":"RSA-OAEP","enc":"A256GCM"}`)), "OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGeipsEdY3mx_etLbbWSrFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDbSv04uVuxIp5Zms1gNxKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaVmqgfwX7XWRxv2322i-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je81860ppamavo35UgoRdbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi6UklfCpIMfIjf7iGdXKHzg", "48V1_ALb6US04U3b", "5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A", "XFBoMYUZodetZdvTiFvSkQ"))
	addTok("empty payload segment", join(rs256Header, "", g.sig))
	addTok("empty token", "")
	addTok("only dots", "..")
	addTok("opaque token", "2YotnFZFEjr1zCsicMWpAA")
	addTok("alg none, empty signature", join(b64([]byte(`{"alg":"none"}`)), aligned, ""))
	addTok("unknown alg", join(b64([]byte(`{"alg":"XX999"}`)), aligned, g.sig))
	addTok("header without alg", join(b64([]byte(`{"typ":"JWT"}`)), aligned, g.sig))
	addTok("header not base64url", join("e30!", aligned, g.sig))
	addTok("header not JSON", join(b64([]byte(`not json`)), aligned, g.sig))
	addTok("empty header", join("", aligned, g.sig))
	addTok("signature not base64url", join(rs256Header, aligned, "sig!"))
	addTok("header and signature garbage, exp fine", join("%%%", aligned, "%%%"))
	return cs
}

// stdAlphabetPayload encodes a payload whose base64url form contains '-' or
// '_' and swaps them for the standard alphabet's '+' and '/'.
func stdAlphabetPayload() string {
	s := b64([]byte(`{"exp":1700000000,"n":"~~~???>>>"}`))
	if !strings.ContainsAny(s, "-_") {
		panic("payload does not exercise the URL alphabet")
	}
	return strings.NewReplacer("-", "+", "_", "/").Replace(s)
}

// nonZeroTrailingBits sets the unused low bits of the last character of an
// unpadded segment whose length is 2 or 3 mod 4. Non-strict decoders, and
// jwtexp, accept it.
func nonZeroTrailingBits(seg string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, seg[len(seg)-1])
	return seg[:len(seg)-1] + string(alphabet[last|1])
}

// random builds one generated case: a realistic claim set around zero or
// more exp-like members, serialized with random whitespace, and sometimes a
// token-level mutation.
func (g *corpusGen) random(i int) corpusCase {
	r := g.r
	var ms []string
	var desc []string

	filler := []string{
		`"iss":"https://issuer.example.com/"`, `"sub":"user-1234"`, `"aud":["https://mcp.example.com","api"]`,
		`"aud":"single"`, `"iat":1516239022`, `"nbf":1516239022.5`, `"scope":"openid email mcp:tools"`,
		`"email":"ada@example.com"`, `"azp":"client-1"`, `"jti":"3f1c"`, `"tid":"acme"`,
		`"roles":["r1","r2"]`, `"n":-12.5e-3`, `"obj":{"a":[1,2,{"b":null}],"c":"d"}`, `"flag":true`,
		`"nil":null`, `"uni":"h\u00e9llo \ud83d\ude00 ✓"`, `"esc":"q\" b\\ s\/ \n"`,
		`"http://example.com/is_root":true`, `"ext":{"exp":1}`, `"list":[{"exp":"x"}]`,
	}
	for _, f := range filler {
		if r.IntN(3) == 0 {
			ms = append(ms, f)
		}
	}
	// Rarely, a claim that trips golang-jwt for reasons other than exp.
	if r.IntN(40) == 0 {
		ms = append(ms, `"huge":1e400`)
		desc = append(desc, "huge other claim")
	}
	if r.IntN(40) == 0 {
		ms = append(ms, `"aud":7`)
		desc = append(desc, "aud number")
	}

	switch k := r.IntN(20); {
	case k == 0: // no exp at all
		desc = append(desc, "no exp")
	case k == 1: // duplicates
		n := 2 + r.IntN(2)
		for range n {
			v := g.expValue()
			ms = append(ms, g.expKey()+":"+v)
			desc = append(desc, "exp "+v)
		}
	case k <= 3: // case variants, with or without the real exp
		v := g.expValue()
		ms = append(ms, g.foldKey()+":"+v)
		desc = append(desc, "fold "+v)
		if r.IntN(2) == 0 {
			v := g.expValue()
			ms = append(ms, g.expKey()+":"+v)
			desc = append(desc, "exp "+v)
		}
	default:
		v := g.expValue()
		ms = append(ms, g.expKey()+":"+v)
		desc = append(desc, "exp "+v)
	}
	r.Shuffle(len(ms), func(a, b int) { ms[a], ms[b] = ms[b], ms[a] })

	payload := g.space() + "{" + g.space()
	for j, m := range ms {
		if j > 0 {
			payload += g.space() + "," + g.space()
		}
		key, val, _ := strings.Cut(m, ":")
		if strings.HasPrefix(m, `"http:`) { // the key itself holds a colon
			key, val = `"http://example.com/is_root"`, "true"
		}
		payload += key + g.space() + ":" + g.space() + val
	}
	payload += g.space() + "}" + g.space()

	seg := b64([]byte(payload))
	tok := rs256Header + "." + seg + "." + g.sig
	switch k := r.IntN(50); {
	case k == 0 && len(seg)%4 != 0:
		tok = rs256Header + "." + seg + strings.Repeat("=", 4-len(seg)%4) + "." + g.sig
		desc = append(desc, "padded")
	case k == 1:
		tok = [...]string{" ", "\t", "\r\n", "\n"}[r.IntN(4)] + tok + [...]string{" ", "\t", "\r\n", "\n", ""}[r.IntN(5)]
		desc = append(desc, "surrounding space")
	case k == 2 && len(seg) > 4:
		cut := 1 + r.IntN(len(seg)-2)
		tok = rs256Header + "." + seg[:cut] + "\n" + seg[cut:] + "." + g.sig
		desc = append(desc, "LF in payload")
	}
	return corpusCase{fmt.Sprintf("random #%d (%s)", i, strings.Join(desc, ", ")), tok}
}

// space is JSON whitespace, usually none.
func (g *corpusGen) space() string {
	if g.r.IntN(8) != 0 {
		return ""
	}
	return [...]string{" ", "\n", "\t", "\r\n", "  "}[g.r.IntN(5)]
}

// expKey spells "exp", sometimes with escapes that unescape to it.
func (g *corpusGen) expKey() string {
	if g.r.IntN(4) != 0 {
		return `"exp"`
	}
	return [...]string{`"\u0065xp"`, `"e\u0078p"`, `"ex\u0070"`, `"\u0065\u0078\u0070"`}[g.r.IntN(4)]
}

// foldKey is a key that encoding/json's case-insensitive match takes for
// "exp" but that is not "exp".
func (g *corpusGen) foldKey() string {
	return [...]string{`"EXP"`, `"Exp"`, `"eXp"`, `"exP"`, `"EXp"`, `"\u0045xp"`}[g.r.IntN(6)]
}

// expValue is a JSON value for exp, mostly numbers of every shape.
func (g *corpusGen) expValue() string {
	r := g.r
	realistic := func() int64 { return 1_000_000_000 + r.Int64N(3_200_000_000) }
	digits := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		return b.String()
	}
	sign := func() string {
		if r.IntN(4) == 0 {
			return "-"
		}
		return ""
	}
	switch r.IntN(16) {
	case 0, 1, 2: // realistic integer
		return strconv.FormatInt(realistic(), 10)
	case 3: // small or negative integer
		return strconv.FormatInt(r.Int64N(2_000_001)-1_000_000, 10)
	case 4, 5: // fractional, 1 to 12 digits
		return sign() + strconv.FormatInt(realistic(), 10) + "." + digits(1+r.IntN(12))
	case 6: // fractional below one second
		return sign() + "0." + digits(1+r.IntN(15))
	case 7, 8: // exponent forms of a realistic value
		s := strconv.FormatInt(realistic(), 10)
		point := 1 + r.IntN(len(s))
		mant := s[:point]
		if point < len(s) {
			mant += "." + s[point:]
		}
		e := [...]string{"e", "E"}[r.IntN(2)]
		ex := [...]string{"", "+"}[r.IntN(2)]
		return sign() + mant + e + ex + strconv.Itoa(len(s)-point)
	case 9: // negative exponent
		return sign() + strconv.FormatInt(realistic(), 10) + digits(r.IntN(4)) + "e-" + strconv.Itoa(r.IntN(30))
	case 10: // zero
		return [...]string{"0", "-0", "0.0", "-0.0", "0e0", "0E+7", "-0e-3", "0.000", "1e-400", "-1e-400"}[r.IntN(10)]
	case 11: // at or beyond 2^62, or between 2^53 and 2^62 where float64 rounds
		k := 53 + r.IntN(12) // a value in [2^k, 2^(k+1)), k = 53..64
		v := new(big.Int).Lsh(big.NewInt(1), uint(k))
		v.Add(v, new(big.Int).SetUint64(r.Uint64()>>(64-k)))
		return sign() + v.String()
	case 12: // huge in exponent form
		return sign() + strconv.Itoa(1+r.IntN(9)) + "e" + strconv.Itoa(18+r.IntN(400))
	case 13: // strings
		return [...]string{`"1700000000"`, `"1.7e9"`, `"2024-01-01T00:00:00Z"`, `""`, `"abc"`, `" 1"`, `"-1"`}[r.IntN(7)]
	case 14: // other JSON types
		return [...]string{"null", "true", "false", "[]", "[1700000000]", "{}", `{"exp":1}`}[r.IntN(7)]
	default: // long fraction
		return strconv.FormatInt(realistic(), 10) + "." + digits(20+r.IntN(40))
	}
}
